// Prints what the toolchain's own debug/gosym reads from an executable's
// pclntab (stripped binaries included), as ground truth for tests/test_pcln.c:
//
//	text <hex>                        the text start handed to gosym
//	f <entry hex> <end hex> <line> <file> <name>   per function: PCToLine(entry)
package main

import (
	"bufio"
	"debug/elf"
	"debug/gosym"
	"fmt"
	"os"
	"strings"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var tab *elf.Section
	for _, s := range f.Sections {
		if strings.HasSuffix(s.Name, "gopclntab") {
			tab = s
		}
	}
	data, err := tab.Data()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	text := f.Section(".text").Addr
	t, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "text %x\n", text)
	for _, fn := range t.Funcs {
		file, line, _ := t.PCToLine(fn.Entry)
		if file == "" {
			file = "?"
		}
		fmt.Fprintf(w, "f %x %x %d %s %s\n", fn.Entry, fn.End, line, file, fn.Name)
	}
}
