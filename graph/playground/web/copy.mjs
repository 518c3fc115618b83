// Copies the prebuilt UMD/CSS files of GraphiQL and its dependencies from
// node_modules into ../dist, where package prakerja/graph/playground embeds
// them with //go:embed. No bundler: the npm packages already ship browser
// builds. Run through `npm ci && npm run build` (or `make assets`).
//
// For every copied file a gzip-compressed sibling (NAME.gz) is written too; the
// Go handler serves it to clients that accept gzip. THIRD_PARTY_LICENSES.txt
// collects the license texts of the copied packages.
//
// The list of output names must stay in sync with the assets slice in
// ../playground.go.

import { createRequire } from "node:module";
import { constants, gzipSync } from "node:zlib";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, "..", "dist");
const require = createRequire(import.meta.url);

// [package, file inside the package, output name]
const files = [
  ["react", "umd/react.production.min.js", "react.production.min.js"],
  ["react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"],
  ["graphiql", "graphiql.min.js", "graphiql.min.js"],
  ["graphiql", "graphiql.min.css", "graphiql.min.css"],
  ["@graphiql/plugin-explorer", "dist/index.umd.js", "graphiql-plugin-explorer.umd.js"],
  ["@graphiql/plugin-explorer", "dist/style.css", "graphiql-plugin-explorer.css"],
];

function packageDir(name) {
  return path.dirname(require.resolve(`${name}/package.json`));
}

// The source maps are not shipped, so drop the comments that point at them
// (otherwise browser dev tools request a file that 404s).
function stripSourceMap(text) {
  return text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n").replace(/\n?\/\*# sourceMappingURL=\S+ \*\/\s*$/, "\n");
}

function write(name, data) {
  fs.writeFileSync(path.join(dist, name), data);
  fs.writeFileSync(path.join(dist, name + ".gz"), gzipSync(data, { level: constants.Z_BEST_COMPRESSION }));
}

// Remove the previous build but keep the committed placeholder.
fs.mkdirSync(dist, { recursive: true });
for (const entry of fs.readdirSync(dist)) {
  if (entry === ".gitkeep") continue;
  fs.rmSync(path.join(dist, entry), { recursive: true, force: true });
}
if (!fs.existsSync(path.join(dist, ".gitkeep"))) {
  fs.writeFileSync(path.join(dist, ".gitkeep"), "");
}

const packages = new Map();
for (const [pkg, file, out] of files) {
  const dir = packageDir(pkg);
  const src = path.join(dir, file);
  const data = Buffer.from(stripSourceMap(fs.readFileSync(src, "utf8")), "utf8");
  write(out, data);
  if (!packages.has(pkg)) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const license = fs.readdirSync(dir).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
    packages.set(pkg, {
      version: meta.version,
      license: meta.license,
      text: license ? fs.readFileSync(path.join(dir, license), "utf8").trim() : "(no license file in package)",
    });
  }
  console.log(`${pkg}/${file} -> dist/${out} (${data.length} bytes)`);
}

let notices = "Third-party software embedded in the Kartu Prakerja GraphQL playground.\n";
for (const [pkg, { version, license, text }] of packages) {
  notices += `\n${"=".repeat(78)}\n${pkg}@${version} (${license})\n${"=".repeat(78)}\n\n${text}\n`;
}
write("THIRD_PARTY_LICENSES.txt", Buffer.from(notices, "utf8"));
console.log(`wrote dist/THIRD_PARTY_LICENSES.txt (${packages.size} packages)`);
