#!/usr/bin/env node
// Extracts GitHub's REST operations (method, path template, query parameters) from GitHub's published OpenAPI
// description as npm's @octokit/openapi ships it (MIT) into tests/FlowCollector.Testing/Contracts/github-rest.tsv,
// which the GitHub simulator holds every REST request against. GitHubContractTests re-runs this extraction in CI
// against the installed package and fails when the committed table differs.
//
//   npm install --prefix .tools/npm @octokit/openapi@23.0.2
//   node build/contracts/extract-github.mjs .tools/npm/node_modules/@octokit/openapi > tests/FlowCollector.Testing/Contracts/github-rest.tsv
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [packageDir] = process.argv.slice(2);
if (!packageDir) {
  console.error('usage: extract-github.mjs <node_modules/@octokit/openapi>');
  process.exit(2);
}

const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
const spec = JSON.parse(readFileSync(join(packageDir, 'generated', 'api.github.com.json'), 'utf8'));
const parameter = p => (p.$ref ? spec.components.parameters[p.$ref.split('/').pop()] : p);

const rows = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    const op = item[method];
    if (!op) continue;
    const query = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(parameter).filter(p => p.in === 'query').map(p => p.name);
    rows.push([method.toUpperCase(), path, op.operationId, query.join(',')]);
  }
}

rows.sort((a, b) => (a[1] + ' ' + a[0]).localeCompare(b[1] + ' ' + b[0]));
console.log(`# GitHub REST operations of api.github.com, extracted by build/contracts/extract-github.mjs`);
console.log(`# from npm @octokit/openapi@${version} (generated/api.github.com.json; MIT License, Copyright (c) 2020 Octokit contributors).`);
console.log(`# method\tpath\toperationId\tquery parameters`);
for (const row of rows) console.log(row.join('\t'));
