// prog386 is built for GOARCH=386: a 32-bit Go process that --pid must
// refuse before stopping it.
package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("READY")
	time.Sleep(time.Hour)
}
