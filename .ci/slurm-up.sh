#!/usr/bin/env bash
# A real single-node SLURM cluster on this machine (issue 17), for SlurmIT and for trying `grid --launcher slurm`:
# Debian's slurmctld + slurmd 22.05 and munge, one node with this machine's CPUs, a minimal slurm.conf. Idempotent:
# does nothing if the cluster already answers. Needs root (package install, daemons). Usage: .ci/slurm-up.sh
set -euo pipefail
conf="${SLURM_CONF:-/etc/slurm/slurm.conf}"
if command -v sinfo >/dev/null 2>&1 && SLURM_CONF="$conf" timeout 10 sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mix|alloc'; then
  echo "slurm-up: the cluster already answers ($conf)"; exit 0
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
state=/var/lib/sslbench-slurm
mkdir -p "$state"/{spool,state,log} "$(dirname "$conf")" /run/munge
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$conf" <<CONF
ClusterName=sslbench
SlurmctldHost=${host}(127.0.0.1)
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmUser=root
AuthType=auth/munge
JobRequeue=1
ReturnToService=2
MpiDefault=none
SchedulerType=sched/backfill
SlurmctldPidFile=${state}/slurmctld.pid
SlurmdPidFile=${state}/slurmd.pid
SlurmdSpoolDir=${state}/spool
StateSaveLocation=${state}/state
SlurmctldLogFile=${state}/log/slurmctld.log
SlurmdLogFile=${state}/log/slurmd.log
CONF
chown munge:munge /run/munge 2>/dev/null || true
pgrep -x munged >/dev/null || su -s /bin/sh munge -c munged 2>/dev/null || munged --force
export SLURM_CONF="$conf"
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd
for _ in $(seq 1 30); do
  if timeout 10 sinfo -h -o '%T' 2>/dev/null | grep -qE 'idle|mix|alloc'; then
    echo "slurm-up: one node ($host, $cpus CPUs) idle; config $conf"; exit 0
  fi
  sleep 1
done
echo "slurm-up: the cluster did not come up; logs in $state/log" >&2
exit 1
