// Reads a GIFT file with gift-pegjs (an independent parser) and prints the questions as JSON.
// Usage: node parse_gift.js FILE.gift
"use strict";
const fs = require("fs");
const { parse } = require("gift-pegjs");

const text = fs.readFileSync(process.argv[2], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text)));
} catch (err) {
  const where = err.location ? `line ${err.location.start.line}: ` : "";
  process.stderr.write(`gift-pegjs: ${where}${err.message}\n`);
  process.exit(1);
}
