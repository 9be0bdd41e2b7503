#!/bin/sh
# Copies the Grafana boards and alert rules into the Helm chart, so the chart folder is self-contained (no
# symlinks out of it: a chart copied into a GitOps repository or packaged with `helm package` renders alone).
# grafana/ is the source; helm/flowcollector/files/ is generated. Run after changing a board or a rule;
# tests/FlowCollector.Deployment.Tests (ChartFilesTests) fails while the copies differ.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
files="$root/helm/flowcollector/files"
rm -rf "$files/dashboards" "$files/alerting"
mkdir -p "$files/dashboards" "$files/alerting"
cp "$root"/grafana/dashboards/*.json "$files/dashboards/"
cp "$root/grafana/provisioning/alerting/flowcollector-alert-rules.yaml" "$files/alerting/"
