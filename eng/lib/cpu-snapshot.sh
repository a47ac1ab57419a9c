# Sourced by eng/cpu-profile.sh and eng/count-work.sh: cpu_snapshot prints, per part of the platform,
# the CPU ticks (user + system) its processes have used so far, from /proc.
cpu_snapshot() {
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ -r /proc/$pid/stat ] || continue
    cmd=$(tr '\0' ' ' < /proc/$pid/cmdline 2>/dev/null || true)
    case "$cmd" in
      *Complaints.Intake.dll*510[56]*) name=relay ;; *Complaints.Intake.dll*) name=intake ;; *Complaints.Routing.dll*) name=routing ;;
      *Complaints.Resolution.dll*) name=resolution ;; *Complaints.Followup.dll*) name=followup ;;
      *Complaints.Identity.dll*) name=identity ;; *Complaints.Desk.dll*) name=desk ;;
      *complaints-load.dll*) name=load-generator ;; *postgres*) name=postgresql ;;
      *beam.smp*|*rabbitmq*) name=rabbitmq ;; *) continue ;;
    esac
    read -r -a stat < /proc/$pid/stat || continue
    # PostgreSQL's autovacuum apart from the statements' work: its workers are processes of their own
    # that exit when done, so their time is the live workers' plus the postmaster's reaped-children
    # time. The pools keep their connections, so the children that exit are mostly autovacuum
    # workers; the rest are short sessions (the count's own psql queries, a health check's), a
    # tenth of a millisecond per complaint or so in a count. On a small store growing fast it is
    # much larger than on a year's store (docs/benchmark.md), so the counts show it on its own line.
    case "$cmd" in
      *"autovacuum worker"*) name=postgresql-autovacuum ;;
      postgres\ -D*|*/postgres\ -D*) echo "postgresql-autovacuum $(( ${stat[15]} + ${stat[16]} ))" ;;
    esac
    echo "$name $(( ${stat[13]} + ${stat[14]} ))"
  done | awk '{s[$1]+=$2} END {for (k in s) print k, s[k]}'
}
