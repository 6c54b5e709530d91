// Run by lean_css.py after the book is built: PurgeCSS cuts each stylesheet it
// is given down to the rules whose selectors can match something in the
// content files (every built page and every script the pages load), and writes
// it back in place. The job comes as JSON on stdin:
//   {"css": [paths], "content": [paths], "safelist": [regular expressions]}
// and a JSON list of {"file", "before", "after"} (bytes) goes to stdout.
"use strict";
const fs = require("fs");
const { PurgeCSS } = require("purgecss");

async function main() {
  const job = JSON.parse(fs.readFileSync(0, "utf8"));
  const sizes = Object.fromEntries(job.css.map((file) => [file, fs.statSync(file).size]));
  const results = await new PurgeCSS().purge({
    content: job.content,
    css: job.css,
    safelist: { standard: job.safelist.map((pattern) => new RegExp(pattern)) },
  });
  const report = results.map((result) => {
    fs.writeFileSync(result.file, result.css);
    return { file: result.file, before: sizes[result.file], after: Buffer.byteLength(result.css) };
  });
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  process.exit(1);
});
