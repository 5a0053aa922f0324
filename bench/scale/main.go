// Command scale builds a heap of about N small objects, runs the GC so only
// live objects stay, prints READY with the object count the runtime reports,
// and blocks so a core can be taken. N comes from -n or SCALE_N (default
// 1000000); the shape from -shape or SCALE_SHAPE:
//
//	mixed   (default) what servers keep: a pointer tree, a map of records
//	        with []byte payloads, slices of pointers, strings, a linked list
//	dense   pointer-dense small objects: 32-byte nodes with three pointers,
//	        one chain through all of them and two random links each
//	maps    four huge map[string]Entry whose Entry holds an interface value
//	        (boxed ints, small structs, pointers, slices) and a pointer
//	stacks  many goroutines blocked 48 frames deep, each frame holding a
//	        slice of small objects in a live local
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"strconv"
	"sync"
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
	shape := flag.String("shape", "mixed", "heap shape: mixed, dense, maps or stacks")
	flag.Parse()
	if s := os.Getenv("SCALE_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			fmt.Fprintln(os.Stderr, "scale: bad SCALE_N:", s)
			os.Exit(2)
		}
		*n = v
	}
	if s := os.Getenv("SCALE_SHAPE"); s != "" {
		*shape = s
	}
	switch *shape {
	case "mixed":
		buildMixed(*n)
	case "dense":
		buildDense(*n)
	case "maps":
		buildMaps(*n)
	case "stacks":
		buildStacks(*n)
	default:
		fmt.Fprintln(os.Stderr, "scale: unknown shape:", *shape)
		os.Exit(2)
	}
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

func buildMixed(n int) {
	// Budget: tree 25%, map records 40% (record + payload + ...),
	// chunked slices 25%, sessions 10%.
	tree = buildTree(n / 4)

	nrec := n / 7 // each record: Record + []byte, a third also Tags slice + string: ~2.7 objects
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

	nchunk := n / 4
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

	nsess := n / 20
	for i := 0; i < nsess; i++ {
		s := &Session{Next: sessions, Started: time.Now().UnixNano()}
		if sessions != nil {
			sessions.Prev = s
		}
		s.Items = []*Record{records[int64(i)]}
		sessions = s
	}
	sink = append(sink, make([]byte, 1<<20)) // one large noscan object
}

type Dense struct { // 32 B size class, three pointer words of four
	Chain, A, B *Dense
	Val         int64
}

var denseHead *Dense

// buildDense: n nodes, each on one chain (so all are live) plus two links
// to random nodes: random access everywhere, a 10-million-long list for the
// dominator tree, and no node that only one parent holds.
func buildDense(n int) {
	rng := rand.New(rand.NewSource(18))
	nodes := make([]*Dense, n)
	for i := range nodes {
		nodes[i] = &Dense{Val: int64(i)}
	}
	for i, d := range nodes {
		if i+1 < n {
			d.Chain = nodes[i+1]
		}
		d.A = nodes[rng.Intn(n)]
		if i%4 != 0 { // a quarter with one link: leaves some single-parent nodes
			d.B = nodes[rng.Intn(n)]
		}
	}
	denseHead = nodes[0]
}

type Meta struct {
	Owner string
	Hits  int64
	Prev  *Meta
}

type Point struct{ X, Y float64 }

type Entry struct { // map value: interface value, pointer, scalar
	Val   any
	Meta  *Meta
	Count int64
}

var bigMaps []map[string]Entry

// buildMaps: four maps of string -> Entry, ~3 objects per entry (the key's
// bytes, the boxed interface value, sometimes a Meta or a slice).
func buildMaps(n int) {
	per := n / 4 / 3
	metas := make([]*Meta, 1000)
	for i := range metas {
		metas[i] = &Meta{Owner: "owner-" + strconv.Itoa(i)}
		if i > 0 {
			metas[i].Prev = metas[i-1]
		}
	}
	for m := 0; m < 4; m++ {
		mp := make(map[string]Entry, per)
		for i := 0; i < per; i++ {
			k := "key/" + strconv.Itoa(m) + "/" + strconv.Itoa(i*7919)
			e := Entry{Count: int64(i)}
			switch i % 5 {
			case 0:
				e.Val = int64(i) + 1<<20 // boxed: 8-byte object
			case 1:
				e.Val = Point{float64(i), 1} // boxed 16-byte struct
			case 2:
				e.Val = &Meta{Owner: k, Hits: int64(i), Prev: metas[i%1000]}
			case 3:
				e.Val = []int32{int32(i), 2, 3} // boxed slice header + array
			case 4:
				e.Val = "v" + strconv.Itoa(i) // boxed string + its bytes
			}
			if i%3 == 0 {
				e.Meta = metas[i%1000]
			}
			mp[k] = e
		}
		bigMaps = append(bigMaps, mp)
	}
}

type Item struct {
	Name string
	Next *Item
	N    int64
}

// buildStacks: goroutines blocked 48 frames deep; each frame keeps a slice
// of 8 Items (9 objects) alive in a local that is used after the wait.
func buildStacks(n int) {
	const depth = 48
	ng := n / (depth * 9)
	if ng < 1 {
		ng = 1
	}
	var ready sync.WaitGroup
	ready.Add(ng)
	for g := 0; g < ng; g++ {
		go deepFrame(depth, g, &ready)
	}
	ready.Wait()
}

var release = make(chan struct{})
var stackSum int64

//go:noinline
func deepFrame(d, g int, ready *sync.WaitGroup) int64 {
	items := make([]*Item, 8)
	for i := range items {
		items[i] = &Item{N: int64(g*64 + d)}
		if i > 0 {
			items[i].Next = items[i-1]
		}
	}
	var s int64
	if d > 1 {
		s = deepFrame(d-1, g, ready)
	} else {
		ready.Done()
		<-release // never closed: the goroutine blocks here
	}
	for _, it := range items { // keeps items live across the call
		s += it.N
	}
	return s
}
