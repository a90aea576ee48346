#!/usr/bin/env bash
# `stratbench slurm submit` against a real Slurm (tests/cluster/slurm_cluster.sh): a 2-shard
# matrix runs as a job array, the merge job joins it, and the merged run equals the same
# matrix run unsharded in cell ids and statuses. Then a shard killed mid-run and
# resubmitted resumes from its log without running a finished cell again.
# usage: slurm_test.sh STRATBENCH WORKDIR; exit 77 (skip) where Slurm or munge is missing,
# unless STRATBENCH_REQUIRE_SLURM=1 (scripts/test.sh sets it).
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$2
here=$(cd "$(dirname "$0")" && pwd)
export PATH="$PATH:/usr/sbin:/sbin"  # the daemons live there, off a plain user's PATH
for p in slurmctld slurmd sbatch squeue scancel sinfo munged mungekey jq python3; do
  command -v "$p" > /dev/null && continue
  echo "$p is missing (scripts/setup.sh installs Slurm and munge)"
  # Where the setup ran (the README's test command), a missing part is a failure, not a skip.
  [ "${STRATBENCH_REQUIRE_SLURM:-0}" = 1 ] && exit 1
  echo "skip"
  exit 77
done
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
bash "$here/slurm_cluster.sh" start "$work/cluster"
trap 'bash "$here/slurm_cluster.sh" stop "$work/cluster"' EXIT
export SLURM_CONF="$work/cluster/slurm.conf"

fail() { echo "FAIL: $*" >&2; exit 1; }
wait_idle() {  # until the queue is empty, at most $1 seconds
  for _ in $(seq $(($1 * 2))); do
    [ -z "$(squeue -h -o %i)" ] && return 0
    sleep 0.5
  done
  squeue >&2
  fail "jobs still queued after $1 s"
}
ids_statuses() { jq -r '.cells[] | "\(.id) \(.status)"' "$1"; }

matrix=(-w fault -p index=1-4 -p mode=ok,wrong -p ms=0 --min-samples 3 --max-samples 3 --budget 0 --warmup 0)
"$bin" run -o "$work/all.json" "${matrix[@]}" > /dev/null || [ $? = 1 ] || fail "the unsharded run failed"

start=$(date +%s)
"$bin" slurm submit --shards 2 -o "$work/run.json" --history "$work/history.db" -- "${matrix[@]}"
grep -q -- '--array=0-1' "$work/run.slurm/shards.sbatch" || fail "no job array in shards.sbatch"
grep -q -- '--exclusive' "$work/run.slurm/shards.sbatch" || fail "shards do not get a whole node"
wait_idle 180
[ -f "$work/run.json" ] || { cat "$work/run.slurm/logs/"* >&2; fail "the merge job wrote no run.json"; }
diff <(ids_statuses "$work/all.json") <(ids_statuses "$work/run.json") || fail "merged cells differ from the unsharded run"
[ "$(jq '.run.shards | length' "$work/run.json")" = 2 ] || fail "the merged run does not list its 2 shards"
"$bin" history list --db "$work/history.db" | grep -q "$(jq -r .run.id "$work/run.json")" ||
  fail "the merge job did not add the run to the history"
"$bin" slurm status "$work/run.slurm" | tee "$work/status.txt"
grep -q "2 of 2 shards finished" "$work/status.txt" || fail "slurm status does not see both shards finished"
echo "2-shard submit, array and merge: $(($(date +%s) - start)) s"

# Cancel a shard mid-run (scancel: Slurm signals every process of the job, the runner and
# its cell alike), resubmit it, merge again.
slow=(-w fault -p index=1-6 -p ms=150 --min-samples 3 --max-samples 3 --budget 0 --warmup 0)
"$bin" slurm submit --shards 1 -o "$work/kill.json" -- "${slow[@]}" > /dev/null
log="$work/kill.slurm/shard-1.jsonl"
for _ in $(seq 240); do
  [ -f "$log" ] && [ "$(wc -l < "$log")" -ge 3 ] && break  # the header and two cells
  sleep 0.25
done
[ "$(wc -l < "$log")" -ge 3 ] || fail "the shard never got two cells done"
scancel "$(jq -r .array_job "$work/kill.slurm/submission.json")"
wait_idle 120
done_before=$(($(wc -l < "$log") - 1))
[ "$done_before" -lt 6 ] || fail "the shard finished before it could be killed"
[ ! -f "$work/kill.json" ] || fail "a merged run was written although a shard was killed"
sbatch --array=0 "$work/kill.slurm/shards.sbatch" > /dev/null
wait_idle 180
sbatch "$work/kill.slurm/merge.sbatch" > /dev/null
wait_idle 120
[ -f "$work/kill.json" ] || { cat "$work/kill.slurm/logs/"* >&2; fail "no merged run after the resubmission"; }
[ "$(jq '.cells | map(select(.status == "ok")) | length' "$work/kill.json")" = 6 ] || fail "not all 6 cells ok (a cell stopped by the cancel must not count as failed)"
[ "$(($(wc -l < "$log") - 1))" = 6 ] || fail "a finished cell ran again after the resubmission"
grep -q "resuming" "$work/kill.slurm/logs/shard-0.out" || fail "the resubmitted shard did not resume its log"
echo "killed after $done_before of 6 cells, resubmitted, resumed and merged"
echo "PASS"
