// loadprog allocates without pause in several goroutines and answers
// "check" lines on stdin with its own view of its state, so that a test can
// stop and copy it many times (goheapflame --pid) and then ask whether it is
// still running, still making progress and still consistent.
//
// Each stored record keeps an invariant that a corrupted heap or a lost
// write would break: len(buf) == 1024 + n%4096 and buf[0] == byte(n).
// Answer: "ok ITERATIONS RECORDS BAD HEAPALLOC NUMGC".
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

type record struct {
	n   int
	buf []byte
}

func main() {
	runtime.GOMAXPROCS(2)
	var mu sync.Mutex
	records := map[int]*record{}
	var iterations int64
	for w := 0; w < 4; w++ {
		go func(w int) {
			for n := 0; ; n++ {
				r := &record{n: n, buf: make([]byte, 1024+n%4096)}
				r.buf[0] = byte(n)
				mu.Lock()
				records[w<<20|n%2000] = r
				mu.Unlock()
				atomic.AddInt64(&iterations, 1)
			}
		}(w)
	}
	fmt.Println("READY")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() != "check" {
			continue
		}
		mu.Lock()
		bad := 0
		for _, r := range records {
			if len(r.buf) != 1024+r.n%4096 || r.buf[0] != byte(r.n) {
				bad++
			}
		}
		count := len(records)
		mu.Unlock()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("ok %d %d %d %d %d\n", atomic.LoadInt64(&iterations), count, bad, ms.HeapAlloc, ms.NumGC)
	}
}
