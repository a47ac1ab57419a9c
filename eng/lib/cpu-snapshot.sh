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
    # PostgreSQL's connections come and go: the postmaster's reaped-children time holds the ones
    # that exited during the run, which its live processes alone would lose.
    if [ "$name" = postgresql ]; then echo "$name $(( ${stat[13]} + ${stat[14]} + ${stat[15]} + ${stat[16]} ))"
    else echo "$name $(( ${stat[13]} + ${stat[14]} ))"; fi
  done | awk '{s[$1]+=$2} END {for (k in s) print k, s[k]}'
}
