// Build dist/live.js: one minified IIFE, byte-for-byte reproducible.
//
// Usage: node build.mjs [outfile]   (or LIVECOMP_JS_OUT=outfile)
// The default outfile is dist/live.js beside this script.
import { build } from "esbuild";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outfile = resolve(process.argv[2] ?? process.env.LIVECOMP_JS_OUT ?? resolve(here, "dist/live.js"));

await build({
  absWorkingDir: here,
  entryPoints: ["src/index.ts"],
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  sourcemap: false,
  legalComments: "none",
  charset: "ascii",
  banner: { js: "/* livecomp client: built from livecomp/js/src by `npm run build`; do not edit. */" },
  logLevel: "warning",
});
