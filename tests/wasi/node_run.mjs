// Second opinion: runs a test program under Node's `node:wasi`.
// usage: node node_run.mjs FILE.wasm [--dir HOST::GUEST]... [--env K=V]... [-- ARGS...]
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
import { basename } from "node:path";

const argv = process.argv.slice(2);
const file = argv.shift();
const preopens = {};
const env = {};
let args = [basename(file)];
while (argv.length) {
  const a = argv.shift();
  if (a === "--dir") {
    const [host, guest] = argv.shift().split("::");
    preopens[guest ?? host] = host;
  } else if (a === "--env") {
    const [k, ...v] = argv.shift().split("=");
    env[k] = v.join("=");
  } else if (a === "--") {
    args = args.concat(argv.splice(0));
  }
}
const wasi = new WASI({ version: "preview1", args, env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
process.exitCode = wasi.start(instance);
