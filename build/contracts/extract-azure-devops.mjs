#!/usr/bin/env node
// Extracts the Azure DevOps REST read operations FlowCollector may call from Microsoft's published descriptions
// (github.com/MicrosoftDocs/vsts-rest-api-specs, MIT) into tests/FlowCollector.Testing/Contracts/azure-devops-rest-7.1.tsv,
// which the simulator and AzureDevOpsContractTests check every request against, offline.
//
//   git clone https://github.com/MicrosoftDocs/vsts-rest-api-specs /tmp/specs
//   node build/contracts/extract-azure-devops.mjs /tmp/specs HEAD tests/FlowCollector.Testing/Contracts/azure-devops-rest-7.1.schemas.json \
//     > tests/FlowCollector.Testing/Contracts/azure-devops-rest-7.1.tsv
//
// Columns: method, host (dev.azure.com or vsrm.dev.azure.com), path template (one row per form where a path parameter
// is optional), the api-version the description at
// <commit> declares, the preview api-version FlowCollector must send instead (from azure-devops-preview-7.1.tsv beside
// this script: resources Microsoft Learn's 7.1 reference still lists as preview; empty for the rest), and the query
// parameters the operation names.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const previews = new Map(readFileSync(new URL('./azure-devops-preview-7.1.tsv', import.meta.url), 'utf8')
  .split('\n').filter(line => line && !line.startsWith('#'))
  .map(line => line.split('\t')).map(([method, path, version]) => [`${method} ${path}`, version]));

const [repo, commit = 'HEAD', schemasOut] = process.argv.slice(2);
if (!repo) {
  console.error('usage: extract-azure-devops.mjs <vsts-rest-api-specs clone> [commit]');
  process.exit(2);
}

const files = [
  'specification/build/7.1/build.json',
  'specification/git/7.1/git.json',
  'specification/distributedTask/7.1/taskAgent.json',
  'specification/wit/7.1/workItemTracking.json',
  'specification/release/7.1/release.json',
  'specification/pipelines/7.1/pipelines.json',
  'specification/core/7.1/core.json',
];

const git = (...args) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
const resolved = git('rev-parse', commit).trim();
const read = (rev, file) => JSON.parse(git('show', `${rev}:${file}`).replace(/^\uFEFF/, ''));

// The api-version a revision declares for an operation: its api-version parameter's description says "should be set to 'X'".
function apiVersion(spec, op) {
  for (const p of op.parameters ?? []) {
    const param = p.$ref ? spec.parameters[p.$ref.split('/').pop()] : p;
    if (param?.name === 'api-version') {
      const m = /set to '([^']+)'/.exec(param.description ?? '');
      return m ? m[1] : op['x-ms-docs-override-version'];
    }
  }
  return op['x-ms-docs-override-version'];
}

const rows = [];
for (const file of files) {
  const current = read(resolved, file);
  for (const [path, ops] of Object.entries(current.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post'].includes(method)) continue; // FlowCollector only reads (POST: WIQL, artifact URI queries)
      const declared = apiVersion(current, op);
      const preview = previews.get(`${method.toUpperCase()} ${path}`) ?? '';
      const query = (op.parameters ?? [])
        .map(p => (p.$ref ? current.parameters[p.$ref.split('/').pop()] : p))
        .filter(p => p?.in === 'query' && p.name !== 'api-version')
        .map(p => p.name);
      // A path parameter marked x-ms-required: false may be left out with its segment (Learn: "project ... optional"),
      // e.g. POST /{organization}/_apis/wit/artifacturiquery: one row per form.
      const optional = (op.parameters ?? [])
        .map(p => (p.$ref ? current.parameters[p.$ref.split('/').pop()] : p))
        .filter(p => p?.in === 'path' && p['x-ms-required'] === false)
        .map(p => `/{${p.name}}`);
      let forms = [path];
      for (const segment of optional) forms = forms.flatMap(f => (f.includes(segment) ? [f, f.replace(segment, '')] : [f]));
      for (const form of forms) {
        const version = preview && form === path ? preview : previews.get(`${method.toUpperCase()} ${form}`) ?? preview;
        rows.push([method.toUpperCase(), current.host, form, declared, version, query.join(',')]);
      }
    }
  }
}

// The 200-response schemas of the operations FlowCollector reads, with every definition they reach (renamed
// "<area>.<name>": names repeat across areas), for the test that validates what the simulator answers.
const used = [
  'GET /{organization}/{project}/_apis/git/repositories',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pullrequests',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/commits',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pullRequests/{pullRequestId}/workitems',
  'GET /{organization}/{project}/_apis/build/builds',
  'GET /{organization}/{project}/_apis/build/builds/{buildId}',
  'GET /{organization}/{project}/_apis/build/builds/{buildId}/timeline/{timelineId}', // also without {timelineId} (x-ms-required: false)
  'GET /{organization}/{project}/_apis/build/builds/{buildId}/changes',
  'GET /{organization}/{project}/_apis/build/changes',
  'GET /{organization}/{project}/_apis/distributedtask/environments',
  'GET /{organization}/{project}/_apis/distributedtask/environments/{environmentId}/environmentdeploymentrecords',
  'GET /{organization}/{project}/_apis/wit/workitems',
  'GET /{organization}/{project}/_apis/release/deployments',
  'GET /{organization}/{project}/_apis/release/releases/{releaseId}',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pushes',
  'GET /{organization}/{project}/_apis/git/repositories/{repositoryId}/pushes/{pushId}',
];
if (schemasOut) {
  const schemas = { source: resolved, operations: {}, definitions: {} };
  for (const file of files) {
    const spec = read(resolved, file);
    const area = file.split('/')[1];
    const rename = node => JSON.parse(JSON.stringify(node).replaceAll('"#/definitions/', `"#/definitions/${area}.`));
    const reach = name => {
      const key = `${area}.${name}`;
      if (schemas.definitions[key] || !spec.definitions?.[name]) return;
      schemas.definitions[key] = rename(spec.definitions[name]);
      for (const m of JSON.stringify(spec.definitions[name]).matchAll(/"#\/definitions\/([^"]+)"/g)) reach(m[1]);
    };
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method.toUpperCase()} ${path}`;
        const schema = op.responses?.['200']?.schema;
        if (!used.includes(key) || !schema) continue;
        schemas.operations[key] = rename(schema);
        for (const m of JSON.stringify(schema).matchAll(/"#\/definitions\/([^"]+)"/g)) reach(m[1]);
      }
    }
  }
  writeFileSync(schemasOut, JSON.stringify(schemas, null, 1) + '\n');
}

rows.sort((a, b) => (a[2] + a[0]).localeCompare(b[2] + b[0]));
console.log(`# Azure DevOps REST 7.1 read operations, extracted by build/contracts/extract-azure-devops.mjs`);
console.log(`# from https://github.com/MicrosoftDocs/vsts-rest-api-specs at ${resolved}`);
console.log(`# (MIT License, Copyright (c) 2018 Microsoft Docs); preview column from build/contracts/azure-devops-preview-7.1.tsv.`);
console.log(`# method\thost\tpath\tdeclared api-version\tpreview api-version to send\tquery parameters`);
for (const row of rows) console.log(row.join('\t'));
