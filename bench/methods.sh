#!/usr/bin/env bash
# Per-method training-step benchmark: every method's full step (all its views through encoder and heads, loss,
# backward, optimizer, EMA/queue where it has them) on synthetic images, each method in its own JVM so that the
# peak RSS is that method's. Prints a Markdown table row per method and backbone.
#   bench/methods.sh [BACKBONE[:BATCH:STEPS] ...]     default: small-cifar:64:30 resnet18-cifar:128:3
# Run it on a quiet machine; the figures are as noisy as the machine (re-run and compare medians).
set -euo pipefail
cd "$(dirname "$0")/.."
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(small-cifar:64:30 resnet18-cifar:128:3)
methods=(simclr simclr-v2 moco-v1 moco-v2 byol simsiam swav)
echo "| method | backbone | batch | img/s | ms/step | peak RSS GB |"
echo "|---|---|---|---|---|---|"
for c in "${cases[@]}"; do
  IFS=: read -r backbone batch steps <<<"$c"
  batch=${batch:-64}; steps=${steps:-10}
  for m in "${methods[@]}"; do
    log=$(./sslbench bench --method "$m" --backbone "$backbone" --batch "$batch" --steps "$steps" --warmup 2 2>&1)
    ips=$(grep -o 'img/s: *[0-9.]*' <<<"$log" | tail -1 | grep -o '[0-9.]*$')
    rss=$(grep -o 'peak RSS [0-9.]*' <<<"$log" | tail -1 | grep -o '[0-9.]*$')
    ms=$(awk -v b="$batch" -v i="$ips" 'BEGIN { printf "%.0f", 1000 * b / i }')
    echo "| $m | $backbone | $batch | $ips | $ms | $rss |"
  done
done
