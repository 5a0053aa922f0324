// Test program for tests/test_dwarf.c: it prints facts about itself that the
// DWARF index must reproduce (field offsets, sizes, addresses, a frame layout).
// Standard library only; built by tests/dwarf/build-testprogs.sh with every
// installed Go toolchain.
package main

import (
	"fmt"
	"os"
	"unsafe"
)

type Inner struct {
	X, Y int32
}

type Outer struct {
	A int8
	B *Inner
	C string
	D []int
	E map[string]int
	F any
	G [3]uint16
	Inner
	H chan int
	I func(int) int
}

type Kind uint8

var (
	GlobalOuter  Outer
	GlobalPtr    = &Inner{X: 1, Y: 2}
	GlobalSlice  = make([]int, 10)
	GlobalKind   Kind
	GlobalString = "hello"
)

// frame keeps two local arrays on the stack (their addresses are taken but do
// not escape) and prints the distance between them, which must equal the
// difference of their DWARF CFA offsets. Its parameter n is spilled to its
// stack home, and keep (a slice live across the call) is spilled to the frame
// in pieces, so DWARF gives both CFA-relative locations.
//
//go:noinline
func frame(p *Inner, n int) int {
	var buf [4]int
	var buf2 [3]int
	buf[n&3] = n
	buf2[n%3] = n
	keep := GlobalSlice // read before the call, used after it: spilled to the frame
	la := uintptr(unsafe.Pointer(&buf))
	lb := uintptr(unsafe.Pointer(&buf2))
	fmt.Printf("frame_delta %d\n", int64(lb)-int64(la))
	return buf[(n+1)&3] + buf2[(n+1)%3] + int(p.X) + len(keep) + keep[n&7]
}

// spill's parameters are live across a call, so they are spilled to their
// home slots in the caller's argument area: x at CFA+0, y at CFA+8 (the
// register ABI's spill layout, cmd/compile/abi-internal.md).
//
//go:noinline
func spill(x *Inner, y int) int {
	fmt.Println("spill")
	return int(x.X) + y
}

// generic's parameter types come from its dictionary: DWARF declares them as
// ".paramN" typedefs inside the function.
//
//go:noinline
func generic[T any](x T) T {
	fmt.Println("generic")
	return x
}

func main() {
	var o Outer
	fmt.Printf("sizeof main.Outer %d\n", unsafe.Sizeof(o))
	fmt.Printf("sizeof main.Inner %d\n", unsafe.Sizeof(Inner{}))
	fmt.Printf("offsetof main.Outer A %d\n", unsafe.Offsetof(o.A))
	fmt.Printf("offsetof main.Outer B %d\n", unsafe.Offsetof(o.B))
	fmt.Printf("offsetof main.Outer C %d\n", unsafe.Offsetof(o.C))
	fmt.Printf("offsetof main.Outer D %d\n", unsafe.Offsetof(o.D))
	fmt.Printf("offsetof main.Outer E %d\n", unsafe.Offsetof(o.E))
	fmt.Printf("offsetof main.Outer F %d\n", unsafe.Offsetof(o.F))
	fmt.Printf("offsetof main.Outer G %d\n", unsafe.Offsetof(o.G))
	fmt.Printf("offsetof main.Outer Inner %d\n", unsafe.Offsetof(o.Inner))
	fmt.Printf("offsetof main.Outer H %d\n", unsafe.Offsetof(o.H))
	fmt.Printf("offsetof main.Outer I %d\n", unsafe.Offsetof(o.I))
	var in Inner
	fmt.Printf("offsetof main.Inner Y %d\n", unsafe.Offsetof(in.Y))
	// Not a PIE, so run-time addresses are link-time addresses.
	fmt.Printf("addr main.GlobalOuter %d\n", uintptr(unsafe.Pointer(&GlobalOuter)))
	fmt.Printf("addr main.GlobalPtr %d\n", uintptr(unsafe.Pointer(&GlobalPtr)))
	// The type word of an eface is the address of the type descriptor.
	var e any = Outer{}
	fmt.Printf("rtype main.Outer %d\n", (*[2]uintptr)(unsafe.Pointer(&e))[0])
	var ep any = &Inner{}
	fmt.Printf("rtype *main.Inner %d\n", (*[2]uintptr)(unsafe.Pointer(&ep))[0])
	var eu any = uintptr(7) // Go 1.19's linker stores this one as an absolute address
	fmt.Printf("rtype uintptr %d\n", (*[2]uintptr)(unsafe.Pointer(&eu))[0])
	var es any = GlobalString
	fmt.Printf("rtype string %d\n", (*[2]uintptr)(unsafe.Pointer(&es))[0])
	if frame(GlobalPtr, len(os.Args))+spill(GlobalPtr, 3)+generic(len(os.Args)) < -1000 {
		fmt.Println(GlobalSlice, GlobalKind, GlobalString)
	}
}
