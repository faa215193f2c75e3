# Rows of the Slack face, sourced by bench/run (which defines bt, count,
# out, bench and metric): how long Slack waits for the acknowledgement of
# a slash command while Authing takes 10 s to answer.
bench slack ./slackbot 'BenchmarkAckLatency$'
ack() { awk -v n="$(metric $out/slack.txt "BenchmarkAckLatency/ackwait=$1" "$2")" 'BEGIN{ if(n=="n/a"){print n} else printf "%.1f ms", n }'; }
echo "| Slack acknowledgement, /authing list_users with a 10 s upstream, p50 / p99 (default AckWait 25ms) | p99 ≤ 50 ms | $(ack 25ms p50-ms) / $(ack 25ms p99-ms) |"
echo "| Slack acknowledgement, same, AckWait 1ms (the floor), p50 / p99 | — | $(ack 1ms p50-ms) / $(ack 1ms p99-ms) |"
