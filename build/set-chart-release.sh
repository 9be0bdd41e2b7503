#!/bin/sh
# Prepares a chart folder for publishing: the default image becomes the image the release pushed (the source
# values.yaml leaves image.repository empty, and the chart refuses to render without it), and Chart.yaml gets home,
# sources and icon of the repository it is released from (only known there).
# Usage: build/set-chart-release.sh <chart folder> <image repository> <repository URL> <git ref>
#   e.g. build/set-chart-release.sh helm/flowcollector ghcr.io/contoso/flowcollector https://github.com/contoso/flowcollector v0.1.0
# Used by .github/workflows/release.yaml; tests/FlowCollector.Deployment.Tests (ChartFilesTests) runs it on a copy.
set -eu
chart=$1
image=$2
repository=$3
ref=$4
case $image in
  */*) ;;
  *) echo "set-chart-release: image '$image' has no registry host" >&2; exit 2 ;;
esac
count=$(grep -c '^  repository: ""$' "$chart/values.yaml" || true)
if [ "$count" != 1 ]; then
  echo "set-chart-release: expected one '  repository: \"\"' line in $chart/values.yaml, found $count" >&2
  exit 1
fi
sed -i "s|^  repository: \"\"\$|  repository: $image|" "$chart/values.yaml"
raw=$(echo "$repository" | sed 's|^https://github.com/|https://raw.githubusercontent.com/|')
cat >> "$chart/Chart.yaml" <<YAML
home: $repository
sources:
  - $repository
icon: $raw/$ref/docs/assets/flowcollector.svg
YAML
