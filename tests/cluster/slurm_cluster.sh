#!/usr/bin/env bash
# A real single-node Slurm cluster for the tests: munged, slurmctld and slurmd from
# Debian's packages, on loopback, with every file (key, sockets, state, spool, logs) in a
# private directory, on ports nobody else uses.
#   slurm_cluster.sh start DIR   (then: export SLURM_CONF=DIR/slurm.conf)
#   slurm_cluster.sh stop DIR
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?DIR}
export PATH="$PATH:/usr/sbin:/sbin"

stop() {
  [ -f "$dir/slurm.conf" ] && SLURM_CONF="$dir/slurm.conf" scontrol shutdown > /dev/null 2>&1 || true
  for pid in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munge/munged.pid; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2> /dev/null || true
  done
  sleep 1
  for pid in "$dir"/slurmd.pid "$dir"/slurmctld.pid "$dir"/munge/munged.pid; do
    [ -f "$pid" ] && kill -9 "$(cat "$pid")" 2> /dev/null || true
  done
  return 0
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi

dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
rm -rf "${dir:?}"/*
mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
chmod 700 "$dir/munge"
user=$(id -un)
# Two free ports (the kernel picks them; a race with another process is possible but unlikely).
read -r ctld_port slurmd_port < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
node=$(hostname -s)

mungekey -c -k "$dir/munge/key"
munged -f --socket="$dir/munge/sock" --key-file="$dir/munge/key" --log-file="$dir/munge/log" \
  --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/seed"

cat > "$dir/slurm.conf" << CONF
ClusterName=stratbench-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -i
slurmd
for _ in $(seq 60); do
  if sinfo -h -o '%t' 2> /dev/null | grep -qx idle; then exit 0; fi
  sleep 0.5
done
echo "slurm_cluster.sh: the node did not come up; logs:" >&2
tail -n 20 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop
exit 1
