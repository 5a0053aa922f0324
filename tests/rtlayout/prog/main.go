// The program scripts/gen-rtlayout.sh builds with each Go toolchain to dump
// the runtime layouts goheapflame needs (src/rtlayout.c's catalogue): it
// uses what pulls those types into the executable's DWARF (maps, channels,
// reflect, sync.Map, finalizers; cleanups in cleanup.go from Go 1.24).
package main

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
)

type T struct {
	A int64
	P *T
}

var (
	m  = map[string]*T{}
	ch = make(chan *T, 4)
	sm sync.Map
)

func main() {
	t := &T{A: 1}
	m["a"] = t
	ch <- t
	sm.Store("a", t)
	runtime.SetFinalizer(t, func(*T) {})
	addCleanup(t)
	st := reflect.StructOf([]reflect.StructField{{Name: "X", Type: reflect.TypeOf(t)}})
	fmt.Println(st, reflect.ArrayOf(2, st), reflect.MapOf(st, st), len(m), len(ch))
}
