#!/usr/bin/env bash
# Runs JMH benchmarks of a module's test sources (they live in src/test/java/.../bench, out of the shipped jars).
#   bench/jmh.sh MODULE [JMH arguments: benchmark regex, -f forks, -wi/-i iterations, -p param=values ...]
#   e.g. bench/jmh.sh core BatchNormBenchmark -f 1 -wi 2 -i 3
#        bench/jmh.sh swav SwavLossBench
#        bench/jmh.sh eval AugBench -p preset=simclr-cifar
set -euo pipefail
cd "$(dirname "$0")/.."
module=${1:?usage: bench/jmh.sh MODULE [JMH arguments]}
shift
mvn -B -q -pl "$module" -am install -DskipTests
mvn -B -q -pl "$module" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
exec java -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/jmh-classpath.txt")" \
    org.openjdk.jmh.Main "$@"
