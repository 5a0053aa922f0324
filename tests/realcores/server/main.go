// Command server is the "loaded server" of the real-program tier (see
// tests/realcores/README.md): a standard-library-only net/http key/value
// cache under a bounded loopback load, with GOGC=10 so that GC is frequent.
//
//	server serve          the server: HTTP on 127.0.0.1 (printed as "LISTEN addr"),
//	                      commands on stdin, answers and MEMSTATS lines on stdout
//	server drive PLAN     start `server serve` (GOGC=10, GOTRACEBACK=crash, core
//	                      limit unlimited, cwd = the current directory), load it
//	                      from 32 client goroutines and take the cores in PLAN
//
// PLAN is a comma-separated list of MB:HOW[:midgc] steps: grow the cache to MB
// megabytes, then take a core: HOW is "gcore" (the server stops itself with
// SIGSTOP right after printing its MemStats; gdb's gcore dumps it; it
// continues) or "abort" (the server sends itself SIGABRT right after printing:
// a kernel core under GOTRACEBACK=crash; must be the last step). "midgc" waits
// (with the load running) until the runtime's gcphase says a GC cycle is
// marking before the snapshot; otherwise the load is paused and the server is
// quiet (no request in flight) when it reads its MemStats.
//
// The driver writes snapN.core (gcore) or leaves the kernel core in the
// current directory, and prints one line of JSON per core on stdout:
// {"name":..,"how":..,"midgc_wanted":..,"memstats":{..},"memstats_after":{..}}:
// memstats is read just before the stop or abort, memstats_after (gcore only)
// just after the process continues.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "serve" {
		serve()
		return
	}
	if len(os.Args) == 3 && os.Args[1] == "drive" {
		if err := drive(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "drive:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "usage: server serve | server drive MB:HOW[:midgc],...")
	os.Exit(2)
}

// ---------------------------------------------------------------- the server

// Meta is one of the shapes an entry's `any` metadata takes.
type Meta struct {
	Owner   string
	Version int
	Attrs   map[string]string
	Parent  *Entry
}

// Entry is a cached value on a per-shard LRU list.
type Entry struct {
	Key        string
	Value      []byte
	Meta       any // *Meta, string, int64, []string or nil
	Tags       []string
	Created    time.Time
	Hits       uint64
	prev, next *Entry
}

// Record is kept by value in a map (struct values, not pointers).
type Record struct {
	ID    uint64
	Score float64
	Name  string
	Blob  []byte
	Owner *Meta
}

type shard struct {
	mu         sync.Mutex
	items      map[string]*Entry
	head, tail *Entry // most / least recently used
	bytes      int64
}

const nShards = 64

var (
	shards    [nShards]shard
	budget    atomic.Int64 // cache byte budget (values); eviction beyond it
	cached    atomic.Int64 // bytes of values cached
	recordsMu sync.Mutex
	records   = map[uint64]Record{}
	anyMu     sync.Mutex
	anyStore  = map[string]any{} // mixed dynamic values
	bufPool   = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}
	events    = make(chan any, 4096)
	recent    [8192]any // the auditor's ring of recent events
	// gate: request handlers hold it shared while they allocate; a snapshot
	// holds it exclusively so that no handler allocates while MemStats is read.
	gate sync.RWMutex
)

func init() {
	for i := range shards {
		shards[i].items = make(map[string]*Entry)
	}
}

func shardOf(key string) *shard {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	return &shards[h%nShards]
}

func (s *shard) unlink(e *Entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (s *shard) pushFront(e *Entry) {
	e.next = s.head
	if s.head != nil {
		s.head.prev = e
	}
	s.head = e
	if s.tail == nil {
		s.tail = e
	}
}

func metaFor(key string, n int, parent *Entry) any {
	switch n % 5 {
	case 0:
		return &Meta{Owner: "owner-" + key[:4], Version: n, Attrs: map[string]string{"k": key, "n": strconv.Itoa(n)}, Parent: parent}
	case 1:
		return "text-meta-" + key
	case 2:
		return int64(n) << 20
	case 3:
		return []string{key, "b", strconv.Itoa(n)}
	}
	return nil
}

func put(key string, body []byte, n int) {
	val := make([]byte, len(body))
	copy(val, body)
	s := shardOf(key)
	s.mu.Lock()
	old := s.items[key]
	if old != nil {
		s.unlink(old)
		s.bytes -= int64(len(old.Value))
		cached.Add(-int64(len(old.Value)))
	}
	e := &Entry{Key: key, Value: val, Created: time.Now(), Tags: []string{"t" + strconv.Itoa(n%7)}}
	e.Meta = metaFor(key, n, s.head)
	s.items[key] = e
	s.pushFront(e)
	s.bytes += int64(len(val))
	cached.Add(int64(len(val)))
	// Evict from the tail while over this shard's share of the budget.
	for s.tail != nil && s.bytes > budget.Load()/nShards {
		t := s.tail
		s.unlink(t)
		delete(s.items, t.Key)
		s.bytes -= int64(len(t.Value))
		cached.Add(-int64(len(t.Value)))
	}
	s.mu.Unlock()
	if n%4 == 0 {
		recordsMu.Lock()
		id := uint64(n)
		blob := make([]byte, 64+n%512)
		records[id%200000] = Record{ID: id, Score: float64(n) / 3, Name: key, Blob: blob, Owner: &Meta{Owner: key}}
		recordsMu.Unlock()
	}
	if n%3 == 0 {
		anyMu.Lock()
		var v any
		switch n % 4 {
		case 0:
			v = Record{ID: uint64(n), Name: key}
		case 1:
			v = &Record{ID: uint64(n), Blob: make([]byte, 48)}
		case 2:
			v = key + "/any"
		default:
			v = []any{n, key, 3.5}
		}
		anyStore["a"+strconv.Itoa(n%50000)] = v
		anyMu.Unlock()
	}
}

func get(key string) []byte {
	s := shardOf(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.items[key]
	if e == nil {
		return nil
	}
	e.Hits++
	s.unlink(e)
	s.pushFront(e)
	return e.Value
}

var seq atomic.Int64

// handleKV: PUT stores the body, GET returns the value. Each request also
// starts a goroutine of its own (an audit record sent after a short delay).
func handleKV(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/kv/")
	if len(key) < 4 {
		http.Error(w, "short key", http.StatusBadRequest)
		return
	}
	n := int(seq.Add(1))
	switch r.Method {
	case http.MethodPut:
		bp := bufPool.Get().(*[]byte)
		buf := (*bp)[:0]
		gate.RLock()
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			m, err := r.Body.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if err == io.EOF {
				break
			}
			if err != nil {
				gate.RUnlock()
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		put(key, buf, n)
		gate.RUnlock()
		*bp = buf
		bufPool.Put(bp)
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		gate.RLock()
		v := get(key)
		done := make(chan [32]byte, 1)
		go func(v []byte) { done <- sha256.Sum256(v) }(v)
		sum := <-done
		gate.RUnlock()
		if v == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Sum", fmt.Sprintf("%x", sum[:8]))
		w.Write(v[:min(len(v), 512)])
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	go audit(key, n)
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}

type auditEvent struct {
	Key  string
	N    int
	When time.Time
	Note []byte
}

func audit(key string, n int) {
	time.Sleep(time.Duration(n%40) * time.Millisecond)
	gate.RLock()
	ev := &auditEvent{Key: key, N: n, When: time.Now(), Note: make([]byte, 24+n%200)}
	gate.RUnlock()
	select {
	case events <- ev:
	default:
	}
}

func auditor() {
	i := 0
	for ev := range events {
		recent[i%len(recent)] = ev
		i++
	}
}

// ------------------------------------------------ MemStats without allocating

var (
	msBuf [2048]byte
	ms    runtime.MemStats
)

// printMemStats reads runtime.MemStats and writes one MEMSTATS line to fd 1
// without allocating on the heap (nothing allocated after the read).
func printMemStats(tag string, phase uint32) {
	runtime.ReadMemStats(&ms)
	b := append(msBuf[:0], tag...)
	b = append(b, " {"...)
	num := func(name string, v uint64) {
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, "\":"...)
		b = strconv.AppendUint(b, v, 10)
		b = append(b, ',')
	}
	num("HeapAlloc", ms.HeapAlloc)
	num("HeapObjects", ms.HeapObjects)
	num("HeapInuse", ms.HeapInuse)
	num("HeapSys", ms.HeapSys)
	num("TotalAlloc", ms.TotalAlloc)
	num("Mallocs", ms.Mallocs)
	num("Frees", ms.Frees)
	num("NumGC", uint64(ms.NumGC))
	num("NextGC", ms.NextGC)
	num("Goroutines", uint64(runtime.NumGoroutine()))
	num("CachedValueBytes", uint64(cached.Load()))
	num("GcphaseAtPrint", uint64(phase))
	b[len(b)-1] = '}'
	b = append(b, '\n')
	syscall.Write(1, b)
}

// snapshot: with every handler kept out of its allocating section, print the
// MemStats and stop (gcore) or abort (kernel core) the process at once.
func snapshot(how string, midgc bool) {
	deadline := time.Now().Add(60 * time.Second)
	for {
		if midgc {
			for readGCPhase() == 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Microsecond)
			}
		}
		gate.Lock()
		phase := readGCPhase()
		if midgc && phase == 0 && time.Now().Before(deadline) {
			gate.Unlock() // the cycle ended while we waited for the gate
			continue
		}
		printMemStats("MEMSTATS", phase)
		if how == "abort" {
			syscall.Kill(os.Getpid(), syscall.SIGABRT)
			select {}
		}
		syscall.Kill(os.Getpid(), syscall.SIGSTOP)
		// Continued after the gcore: the figures after bracket the core's
		// (Mallocs, Frees and TotalAlloc only grow).
		printMemStats("MEMSTATS_AFTER", readGCPhase())
		gate.Unlock()
		return
	}
}

func serve() {
	runtime.GOMAXPROCS(2)
	budget.Store(16 << 20)
	go auditor()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	mux := http.NewServeMux()
	mux.HandleFunc("/kv/", handleKV)
	go http.Serve(ln, mux)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		switch {
		case len(f) == 2 && f[0] == "budget":
			mb, _ := strconv.Atoi(f[1])
			budget.Store(int64(mb) << 20)
			fmt.Println("OK")
		case len(f) == 1 && f[0] == "cached":
			fmt.Printf("CACHED %d\n", cached.Load())
		case len(f) >= 2 && f[0] == "snap":
			snapshot(f[1], len(f) == 3 && f[2] == "midgc")
			fmt.Println("OK")
		default:
			fmt.Println("ERR unknown command")
		}
	}
}

// ---------------------------------------------------------------- the driver

type snapInfo struct {
	Name        string          `json:"name"`
	How         string          `json:"how"`
	TargetMB    int             `json:"target_mb"`
	MidGCWanted bool            `json:"midgc_wanted"`
	MemStats    json.RawMessage `json:"memstats"`
	After       json.RawMessage `json:"memstats_after,omitempty"`
	Pid         int             `json:"pid"`
	GcoreSecs   float64         `json:"gcore_seconds,omitempty"`
}

type loader struct {
	addr     string
	paused   atomic.Bool
	inflight atomic.Int64
	stop     atomic.Bool
	keys     atomic.Int64
	wg       sync.WaitGroup
}

// run: one client goroutine; PUTs of 1–64 KiB values (mostly small) and GETs.
func (l *loader) run(id int) {
	defer l.wg.Done()
	rng := rand.New(rand.NewSource(int64(id)))
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	body := make([]byte, 64<<10)
	rng.Read(body)
	for !l.stop.Load() {
		if l.paused.Load() {
			time.Sleep(time.Millisecond)
			continue
		}
		l.inflight.Add(1)
		if l.paused.Load() {
			l.inflight.Add(-1)
			continue
		}
		k := l.keys.Add(1)
		var req *http.Request
		if rng.Intn(4) != 0 {
			size := 1 << (10 + rng.Intn(7)) // 1..64 KiB
			size -= rng.Intn(size / 2)
			binary.LittleEndian.PutUint64(body, uint64(k))
			req, _ = http.NewRequest(http.MethodPut, fmt.Sprintf("http://%s/kv/key-%08d", l.addr, k), strings.NewReader(string(body[:size])))
		} else {
			req, _ = http.NewRequest(http.MethodGet, fmt.Sprintf("http://%s/kv/key-%08d", l.addr, rng.Int63n(k)+1), nil)
		}
		resp, err := cl.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		l.inflight.Add(-1)
	}
}

func (l *loader) pause() {
	l.paused.Store(true)
	for l.inflight.Load() != 0 {
		time.Sleep(time.Millisecond)
	}
}

func drive(plan string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{Cur: ^uint64(0), Max: ^uint64(0)}); err != nil {
		return fmt.Errorf("core limit: %v", err)
	}
	cmd := exec.Command(self, "serve")
	cmd.Env = append(os.Environ(), "GOGC=10", "GOTRACEBACK=crash")
	stdin, _ := cmd.StdinPipe()
	stdoutR, _ := cmd.StdoutPipe()
	serr, err := os.Create("server.stderr")
	if err != nil {
		return err
	}
	cmd.Stderr = serr
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	out := bufio.NewReader(stdoutR)
	line := func() (string, error) {
		s, err := out.ReadString('\n')
		return strings.TrimSpace(s), err
	}
	first, err := line()
	if err != nil || !strings.HasPrefix(first, "LISTEN ") {
		return fmt.Errorf("server did not start: %q %v", first, err)
	}
	l := &loader{addr: strings.TrimPrefix(first, "LISTEN ")}
	for i := 0; i < 32; i++ {
		l.wg.Add(1)
		go l.run(i)
	}
	ask := func(cmdline string) (string, error) {
		if _, err := fmt.Fprintln(stdin, cmdline); err != nil {
			return "", err
		}
		return line()
	}
	steps := strings.Split(plan, ",")
	for i, st := range steps {
		p := strings.Split(st, ":")
		mb, err := strconv.Atoi(p[0])
		if err != nil || len(p) < 2 || (p[1] != "gcore" && p[1] != "abort") {
			return fmt.Errorf("bad plan step %q", st)
		}
		midgc := len(p) == 3 && p[2] == "midgc"
		if p[1] == "abort" && i != len(steps)-1 {
			return fmt.Errorf("abort must be the last step")
		}
		if r, err := ask(fmt.Sprintf("budget %d", mb)); err != nil || r != "OK" {
			return fmt.Errorf("budget: %q %v", r, err)
		}
		// Grow until the cached values reach 95 % of the budget.
		t0 := time.Now()
		for {
			r, err := ask("cached")
			if err != nil {
				return err
			}
			n, _ := strconv.ParseInt(strings.TrimPrefix(r, "CACHED "), 10, 64)
			if n >= int64(mb)<<20*95/100 {
				break
			}
			if time.Since(t0) > 10*time.Minute {
				return fmt.Errorf("cache stuck at %d bytes (want %d MB)", n, mb)
			}
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond)
		if !midgc {
			l.pause()
		}
		name := fmt.Sprintf("snap%d", i+1)
		if _, err := fmt.Fprintf(stdin, "snap %s%s\n", p[1], map[bool]string{true: " midgc"}[midgc]); err != nil {
			return err
		}
		ms, err := line()
		if err != nil || !strings.HasPrefix(ms, "MEMSTATS ") {
			return fmt.Errorf("no MEMSTATS line: %q %v", ms, err)
		}
		info := snapInfo{Name: name, How: p[1], TargetMB: mb, MidGCWanted: midgc,
			MemStats: json.RawMessage(strings.TrimPrefix(ms, "MEMSTATS ")), Pid: pid}
		if p[1] == "abort" {
			l.stop.Store(true)
			werr := cmd.Wait()
			b, _ := json.Marshal(info)
			fmt.Println(string(b))
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGABRT || !ws.CoreDump() {
				return fmt.Errorf("server did not dump core on SIGABRT: %v", werr)
			}
			return nil
		}
		// The server stopped itself right after printing: wait for state T.
		for !stopped(pid) {
			time.Sleep(time.Millisecond)
		}
		g0 := time.Now()
		gc := exec.Command("gcore", "-o", name+".core", strconv.Itoa(pid))
		if b, err := gc.CombinedOutput(); err != nil {
			return fmt.Errorf("gcore: %v: %s", err, b)
		}
		info.GcoreSecs = time.Since(g0).Seconds()
		if err := os.Rename(fmt.Sprintf("%s.core.%d", name, pid), name+".core"); err != nil {
			return err
		}
		syscall.Kill(pid, syscall.SIGCONT)
		after, err := line()
		if err != nil || !strings.HasPrefix(after, "MEMSTATS_AFTER ") {
			return fmt.Errorf("no MEMSTATS_AFTER line: %q %v", after, err)
		}
		info.After = json.RawMessage(strings.TrimPrefix(after, "MEMSTATS_AFTER "))
		if r, err := line(); err != nil || r != "OK" {
			return fmt.Errorf("after snap: %q %v", r, err)
		}
		b, _ := json.Marshal(info)
		fmt.Println(string(b))
		l.paused.Store(false)
	}
	l.stop.Store(true)
	l.wg.Wait()
	cmd.Process.Kill()
	cmd.Wait()
	return nil
}

// stopped: /proc/PID/stat says the process is stopped (T).
func stopped(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && i+2 < len(s) && s[i+2] == 'T'
}
