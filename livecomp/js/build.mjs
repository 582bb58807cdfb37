// Build the client from src/, byte for byte reproducibly:
//
//   dist/live.js        the self-starting script served at /live.js
//                       (src/index.ts): one IIFE, bundled by esbuild, then
//                       minified by esbuild and again by terser, in the wheel
//   dist/esm/live.js    the npm package's ES module (src/live.ts), no
//                       dependencies, not minified
//   dist/esm/*.d.ts     its declarations, from tsc (tsconfig.build.json):
//                       the files live.d.ts reaches, with relative imports
//                       ending in ".js" (node16/nodenext need it)
//
// Usage: node build.mjs [OUTDIR]   (default: dist beside this script)
// OUTDIR/esm is emptied first, so no file outlives the module it came from.
// A type error in the package's sources fails the build before it writes anything.
import { build } from "esbuild";
import { minify } from "terser";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? resolve(here, "dist"));
const esm = join(outdir, "esm");
const NOTICE = "built from livecomp/js/src by `npm run build`; do not edit.";

const common = {
  absWorkingDir: here,
  bundle: true,
  platform: "browser",
  // es2022 keeps `#private` members as they are, which the minifier then
  // shortens (es2020 would turn each into a WeakMap).
  target: ["es2022"],
  sourcemap: false,
  charset: "ascii",
  logLevel: "warning",
};

const scratch = mkdtempSync(join(tmpdir(), "livecomp-dts-"));
try {
  if (emitDeclarations(scratch)) {
    rmSync(esm, { recursive: true, force: true });
    mkdirSync(esm, { recursive: true });
    await buildBundles();
    copyDeclarations(scratch);
  } else {
    console.error("build: `tsc -p tsconfig.build.json` failed (its errors are above); nothing written");
    process.exitCode = 1;
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

/** tsc's declarations for src/live.ts and what it imports, into `scratch`; false on a type error. */
function emitDeclarations(scratch) {
  const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--declarationDir", scratch], {
    cwd: here,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.error) throw result.error;
  return result.status === 0;
}

/** The IIFE served at /live.js and the package's ES module. */
async function buildBundles() {
  const bundled = await build({
    ...common,
    entryPoints: ["src/index.ts"],
    outfile: join(outdir, "live.js"),
    format: "iife",
    minify: true,
    legalComments: "none",
    write: false,
  });
  // Issue 7 counts the served script's bytes after gzip. Terser, run over
  // esbuild's output, is worth ~6% there: it folds more code and reuses the
  // same short names scope after scope, which gzip rewards. For
  // the same reason the script carries no banner (50 bytes gzipped):
  // tests/test_bundle.py is what keeps it the build of src/.
  const minified = await minify(bundled.outputFiles[0].text, {
    ecma: 2022,
    compress: { passes: 3, hoist_funs: true },
    mangle: true,
    format: { ascii_only: true },
  });
  writeFileSync(join(outdir, "live.js"), `${minified.code}\n`);
  await build({
    ...common,
    entryPoints: ["src/live.ts"],
    outfile: join(esm, "live.js"),
    format: "esm",
    minify: false,
    legalComments: "eof",
    banner: { js: `/* livecomp-client: ${NOTICE} */` },
  });
}

/** Copy the declarations live.d.ts reaches from `scratch`, relative imports ending in ".js". */
function copyDeclarations(scratch) {
  // A relative module specifier in an import, an export ... from, or an import() type.
  const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*)"(\.{1,2}\/[^"]+)"/g;
  const queue = ["live"];
  const done = new Set();
  while (queue.length > 0) {
    const name = queue.shift();
    if (done.has(name)) continue;
    done.add(name);
    const text = readFileSync(join(scratch, `${name}.d.ts`), "utf8");
    const rewritten = text.replace(RELATIVE, (_, lead, specifier) => {
      const bare = specifier.replace(/\.js$/, "");
      queue.push(posix.normalize(posix.join(posix.dirname(name), bare)));
      return `${lead}"${bare}.js"`;
    });
    const target = join(esm, `${name}.d.ts`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, rewritten);
  }
}
