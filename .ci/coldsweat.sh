# Starts a real Fever API server for tests/sync_fever.rs: Coldsweat 0.10.2
# (PyPI, BSD licence) on 127.0.0.1, subscribed to loopback feeds of our own
# that a small static server serves. Sourced by .ci/run, so that the
# variables it exports reach `cargo test`:
#   KHABAR_FEVER_URL, KHABAR_FEVER_EMAIL, KHABAR_FEVER_PASSWORD
# and `coldsweat_stop` ends both servers. Fails (non-zero) if Coldsweat
# does not start. Everything lives in one temporary folder.
#
# Coldsweat fetches each feed's icon; our feeds name a loopback icon, so
# it never tries a public host, and nothing depends on icons anyway.

coldsweat_start() {
  local work py port fport
  work="$(mktemp -d /tmp/khabar-coldsweat.XXXXXX)"
  COLDSWEAT_WORK="$work"
  py="${COLDSWEAT_PYTHON:-python3}"
  if ! "$py" -m venv "$work/venv" >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
      apt-get install -y -q --no-install-recommends python3-venv python3-pip >/dev/null
    fi
    py=/usr/bin/python3
    "$py" -m venv "$work/venv" || { echo "coldsweat: cannot make a Python venv"; return 1; }
  fi
  "$work/venv/bin/pip" install -q --disable-pip-version-check coldsweat==0.10.2 ||
    { echo "coldsweat: pip install coldsweat==0.10.2 failed"; return 1; }

  port="$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  fport="$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

  # Invented feeds, article pages and an icon, served on loopback.
  mkdir -p "$work/site/articles"
  local base="http://127.0.0.1:$fport"
  local feed n
  for feed in harbour market; do
    {
      echo '<?xml version="1.0" encoding="utf-8"?>'
      echo '<feed xmlns="http://www.w3.org/2005/Atom">'
      echo "  <title>The Invented ${feed^} Desk</title>"
      echo "  <id>urn:khabar-test:$feed</id>"
      echo "  <link rel=\"alternate\" href=\"$base/\"/>"
      echo "  <link rel=\"self\" href=\"$base/$feed.xml\"/>"
      echo "  <icon>$base/icon.png</icon>"
      echo "  <updated>2026-11-30T12:00:00Z</updated>"
      for n in 1 2 3; do
        echo "  <entry><id>urn:khabar-test:$feed:$n</id>"
        echo "    <title>Invented $feed report number $n</title>"
        echo "    <link rel=\"alternate\" href=\"$base/articles/$feed-$n.html\"/>"
        echo "    <updated>2026-11-30T1$n:00:00Z</updated>"
        echo "    <summary>Short invented summary of $feed report $n.</summary>"
        echo "  </entry>"
      done
      echo '</feed>'
    } > "$work/site/$feed.xml"
    for n in 1 2 3; do
      cat > "$work/site/articles/$feed-$n.html" <<EOF
<!DOCTYPE html><html><head><title>Invented $feed report number $n</title></head>
<body><header><nav>Home · Sections · About</nav></header>
<article><h1>Invented $feed report number $n</h1>
<p>This is the invented text of $feed report number $n. The harbour committee met on
a grey morning and spoke at length about the tides, the new crane and the ferry timetable.</p>
<p>Later that day the committee agreed to meet again, once the fishing fleet had come home
and the market stalls had been counted, to settle the question of the lighthouse keeper.</p>
<p>Nobody expected the meeting to last long, yet it went on until the lamps were lit.</p>
</article><footer>Invented footer text</footer></body></html>
EOF
    done
  done
  # A 1x1 PNG.
  printf '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82' > "$work/site/icon.png"
  cat > "$work/feeds.opml" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0"><head><title>Khabar test feeds</title></head><body>
  <outline text="Harbour" title="Harbour">
    <outline type="rss" text="The Invented Harbour Desk" xmlUrl="$base/harbour.xml" htmlUrl="$base/"/>
  </outline>
  <outline type="rss" text="The Invented Market Desk" xmlUrl="$base/market.xml" htmlUrl="$base/"/>
</body></opml>
EOF
  "$work/venv/bin/python" -m http.server "$fport" --bind 127.0.0.1 --directory "$work/site" \
    >"$work/site.log" 2>&1 &
  COLDSWEAT_SITE_PID=$!

  export KHABAR_FEVER_EMAIL="reader@example.org"
  export KHABAR_FEVER_PASSWORD="an invented long password"
  # Coldsweat reads FLASK_* settings from the environment.
  export FLASK_DATABASE_URL="sqlite:///$work/coldsweat.db"
  export FLASK_SECRET_KEY="khabar-ci-only"
  local cs="$work/venv/bin/coldsweat"
  (
    cd "$work" &&
      "$cs" setup "$KHABAR_FEVER_EMAIL" -p "$KHABAR_FEVER_PASSWORD" &&
      "$cs" import "$work/feeds.opml" "$KHABAR_FEVER_EMAIL" &&
      "$cs" fetch
  ) >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; echo "coldsweat: setup failed"; return 1; }
  (cd "$work" && exec "$cs" run -h 127.0.0.1 -p "$port") >"$work/server.log" 2>&1 &
  COLDSWEAT_PID=$!
  local i
  for i in $(seq 1 60); do
    if "$work/venv/bin/python" - "$port" <<'EOF' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/fever/?api", data=b"api_key=x", timeout=2).read()
EOF
      export KHABAR_FEVER_URL="http://127.0.0.1:$port/fever/"
      echo "coldsweat: Fever API at $KHABAR_FEVER_URL ($(grep -c '<entry>' "$work"/site/*.xml | wc -l) feeds)"
      return 0
    fi
    sleep 0.5
  done
  cat "$work/server.log"
  echo "coldsweat: the server did not start"
  return 1
}

coldsweat_stop() {
  [ -n "${COLDSWEAT_PID:-}" ] && kill "$COLDSWEAT_PID" 2>/dev/null
  [ -n "${COLDSWEAT_SITE_PID:-}" ] && kill "$COLDSWEAT_SITE_PID" 2>/dev/null
  [ -n "${COLDSWEAT_WORK:-}" ] && rm -rf "$COLDSWEAT_WORK"
  return 0
}
