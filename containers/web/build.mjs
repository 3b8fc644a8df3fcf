// Builds the page into containers/app/src/mymonit/web/static/dist/ (git-ignored), which the
// service's `web` blueprint serves: index.html and hashed assets (app-HASH.js, app-HASH.css,
// favicon-HASH.svg). Everything the page needs is in there: no CDN. The new build is written
// next to the old one and swapped in, so a running service never serves half a build.
//
//   node build.mjs [OUT_DIR]

import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_OUT = path.resolve(HERE, '../app/src/mymonit/web/static/dist');

async function build(out) {
  const staging = `${out}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const assets = path.join(staging, 'assets');
  await mkdir(assets, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: HERE,
    entryPoints: { app: 'src/main.js' },
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    outdir: assets,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const [js, output] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === 'src/main.js');
  const favicon = await hashedCopy(path.join(HERE, 'src/favicon.svg'), assets);
  const template = await readFile(path.join(HERE, 'src/index.html'), 'utf8');
  const html = template
    .replace('%JS%', path.basename(js))
    .replace('%CSS%', path.basename(output.cssBundle))
    .replace('%FAVICON%', favicon);
  await writeFile(path.join(staging, 'index.html'), html);
  await rm(out, { recursive: true, force: true });
  await rename(staging, out);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  console.log(`built ${path.relative(process.cwd(), out) || out}: ${path.basename(js)} `
    + `(${Math.round(output.bytes / 1024)} KiB), ${Math.round(bytes / 1024)} KiB in all with source maps`);
}

async function hashedCopy(file, directory) {
  const digest = createHash('sha256').update(await readFile(file)).digest('hex').slice(0, 8);
  const name = `${path.basename(file, path.extname(file))}-${digest}${path.extname(file)}`;
  await copyFile(file, path.join(directory, name));
  return name;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build(path.resolve(process.argv[2] ?? DEFAULT_OUT));
}
