// Test program for the pclntab reader (tests/test_pcln.c). It prints what
// its own runtime knows about some of its functions, which the test compares
// with what src/pcln.c reads from the binary:
//
//	func <name> <entry hex>                       for known function values
//	pc <pc hex> <name> <entry hex> <file> <line>  for each frame of a call chain
package main

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
)

type node struct {
	next *node
	data []byte
	name string
}

var sink *node

//go:noinline
func leaf(depth int) []uintptr {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(1, pcs)
	return pcs[:n]
}

//go:noinline
func bigFrame(n int) []uintptr {
	var buf [512]byte
	for i := range buf {
		buf[i] = byte(i + n)
	}
	pcs := leaf(int(buf[n%512]))
	return pcs
}

//go:noinline
func withPointers(n int) []uintptr {
	a := &node{name: "a"}
	b := &node{next: a, data: make([]byte, n)}
	pcs := bigFrame(n)
	sink = b
	runtime.KeepAlive(a)
	return pcs
}

//go:noinline
func touch(n *node) int { return len(n.name) + len(n.data) }

// stackObject keeps an address-taken node with pointers on its stack, which
// gives it a stack object record (FUNCDATA_StackObjects).
//
//go:noinline
func stackObject(k int) []uintptr {
	var local node
	local.name = "local"
	local.data = make([]byte, k)
	pcs := withPointers(k + touch(&local))
	return pcs
}

//go:noinline
func (n *node) method(k int) []uintptr {
	return stackObject(k + len(n.name))
}

func closureMaker() func(int) []uintptr {
	base := &node{name: "closure"}
	return func(k int) []uintptr {
		return base.method(k)
	}
}

func main() {
	fns := []interface{}{leaf, bigFrame, withPointers, stackObject, touch, (*node).method, closureMaker, main,
		fmt.Println, os.Exit, runtime.GC}
	for _, f := range fns {
		pc := reflect.ValueOf(f).Pointer()
		fn := runtime.FuncForPC(pc)
		fmt.Printf("func %s %x\n", fn.Name(), fn.Entry())
	}
	pcs := closureMaker()(3)
	for _, pc := range pcs {
		fn := runtime.FuncForPC(pc)
		file, line := fn.FileLine(pc)
		fmt.Printf("pc %x %s %x %s %d\n", pc, fn.Name(), fn.Entry(), file, line)
	}
}
