// Preloaded into sphinxcontrib-katex's render server (`node --require`, see
// katex_math.py): the server exits as soon as the build that started it closes
// its end of the server's stdin, which also happens when the build is killed,
// so no server outlives its build.
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
