// coreprog: a tiny Go program for the core-reading tests. It prints facts
// about itself (addresses and values of globals, a string constant's bytes,
// a function's run-time address, its pid) and then blocks until it is
// killed, so the test script can take a kernel core or a gcore of it.
package main

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"time"
	"unsafe"
)

// Initialised data (.noptrdata) and zero-initialised data (.bss/.noptrbss)
// that main writes, so both must be read from the core.
var gInit uint64 = 0x1122334455667788
var gBss uint64
var gPtr *[4]uint64

const marker = "goheapflame rodata marker: 0123456789abcdef"

var sink []byte

//go:noinline
func markerFunc() int { return 42 }

func main() {
	gBss = uint64(os.Getpid())*7 + 3
	gInit ^= 0xff
	gPtr = &[4]uint64{1, 2, 3, 0xdeadbeefcafe}
	for i := 0; i < 64; i++ {
		sink = make([]byte, 1<<16) // touch some heap
	}
	s := marker
	sh := (*reflect.StringHeader)(unsafe.Pointer(&s))
	runtime.GC()
	fmt.Printf("pid=%d\n", os.Getpid())
	fmt.Printf("go_version=%s\n", runtime.Version())
	fmt.Printf("gInit_addr=%p\ngInit_val=%#x\n", &gInit, gInit)
	fmt.Printf("gBss_addr=%p\ngBss_val=%#x\n", &gBss, gBss)
	fmt.Printf("gPtr_addr=%p\ngPtr_val=%p\nheap_word3=%#x\n", &gPtr, gPtr, gPtr[3])
	fmt.Printf("marker_addr=%#x\nmarker_len=%d\nmarker=%s\n", sh.Data, sh.Len, marker)
	fmt.Printf("func_addr=%#x\n", reflect.ValueOf(markerFunc).Pointer())
	fmt.Printf("ready=1\n")
	os.Stdout.Sync()
	for {
		time.Sleep(time.Hour)
	}
}
