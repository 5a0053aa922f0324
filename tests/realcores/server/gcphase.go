package main

import (
	"sync/atomic"
	_ "unsafe" // go:linkname
)

// The runtime's GC phase (_GCoff 0, _GCmark 1, _GCmarktermination 2): lets the
// server wait for a cycle in progress. Go 1.23+ links it only with
// -ldflags=-checklinkname=0 (scripts/gen-real-cores.sh passes it). The core
// itself is the authority on the phase at the dump; this is only the trigger.
//
//go:linkname gcphase runtime.gcphase
var gcphase uint32

func readGCPhase() uint32 { return atomic.LoadUint32(&gcphase) }
