// hello_go: optional Go target (built only when the go tool is installed);
// an empty Go program, so the Go runtime's symbols (runtime.schedule, ...)
// can be listed as uprobes by the languages cases.
package main

func main() {}
