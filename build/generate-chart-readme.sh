#!/bin/sh
# Regenerates helm/flowcollector/README.md from README.md.gotmpl, Chart.yaml and values.yaml (helm-docs format; the
# generator is tests/FlowCollector.Deployment.Tests/Helm/ChartReadme.cs, whose test fails while the README is stale).
set -eu
cd "$(dirname "$0")/.."
FLOWCOLLECTOR_UPDATE_README=1 dotnet test --project tests/FlowCollector.Deployment.Tests -- --filter-method '*The_README_is_generated_from_the_values_and_is_current'
