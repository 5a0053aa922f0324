// Command scale builds a heap of about N small objects in the shapes real
// servers keep (a pointer tree, a map of records, slices of pointers, []byte
// payloads, strings, a linked list), runs the GC so only live objects stay,
// prints READY with the object count the runtime reports, and blocks so a
// core can be taken. N comes from -n or SCALE_N (default 1000000).
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"
)

type Node struct { // binary tree: 48 B size class
	Left, Right *Node
	Key         int64
	Name        string
}

type Record struct { // map values and slice elements: 64 B size class
	ID      int64
	Owner   *Node
	Payload []byte
	Tags    []string
	Next    *Record
}

type Session struct { // linked list with a small []*Record each
	Prev, Next *Session
	Items      []*Record
	Started    int64
}

var (
	tree     *Node
	records  map[int64]*Record
	chunks   [][]*Record
	sessions *Session
	sink     []any
)

// build a balanced tree of n nodes iteratively (no deep recursion).
func buildTree(n int) *Node {
	if n == 0 {
		return nil
	}
	nodes := make([]*Node, n)
	for i := range nodes {
		nodes[i] = &Node{Key: int64(i)}
	}
	for i := range nodes {
		if l := 2*i + 1; l < n {
			nodes[i].Left = nodes[l]
		}
		if r := 2*i + 2; r < n {
			nodes[i].Right = nodes[r]
		}
	}
	return nodes[0]
}

func main() {
	n := flag.Int("n", 1000000, "approximate number of heap objects")
	flag.Parse()
	if s := os.Getenv("SCALE_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			fmt.Fprintln(os.Stderr, "scale: bad SCALE_N:", s)
			os.Exit(2)
		}
		*n = v
	}
	// Budget: tree 25%, map records 40% (record + payload + ...),
	// chunked slices 25%, sessions 10%.
	tree = buildTree(*n / 4)

	nrec := *n / 7 // each record: Record + []byte, a third also Tags slice + string: ~2.7 objects
	records = make(map[int64]*Record, nrec)
	node := tree
	for i := 0; i < nrec; i++ {
		r := &Record{ID: int64(i), Payload: make([]byte, 16+i%48)}
		if i%3 == 0 {
			r.Tags = []string{"tag-" + strconv.Itoa(i)}
		}
		if node != nil {
			r.Owner = node
			if i%2 == 0 {
				node = node.Left
			} else {
				node = node.Right
			}
			if node == nil {
				node = tree
			}
		}
		records[int64(i)] = r
	}

	nchunk := *n / 4
	var prev *Record
	for left := nchunk; left > 0; {
		k := 1000
		if left < k+1 {
			k = left - 1
			if k <= 0 {
				break
			}
		}
		c := make([]*Record, k)
		for j := range c {
			r := &Record{ID: int64(j)}
			if j%8 == 0 {
				r.Payload = make([]byte, 8)
				r.Next = prev
			}
			c[j] = r
			prev = r
		}
		chunks = append(chunks, c)
		left -= k + 1 + k/8
	}

	nsess := *n / 20
	for i := 0; i < nsess; i++ {
		s := &Session{Next: sessions, Started: time.Now().UnixNano()}
		if sessions != nil {
			sessions.Prev = s
		}
		s.Items = []*Record{records[int64(i)]}
		sessions = s
	}
	sink = append(sink, make([]byte, 1<<20)) // one large noscan object

	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("READY objects=%d heap_alloc=%d\n", ms.HeapObjects, ms.HeapAlloc)
	os.Stdout.Sync()
	for { // block (select{} would be a deadlock with no other goroutine)
		time.Sleep(time.Hour)
	}
}
