#!/usr/bin/env python3
# What WAIT 1 after an enqueue-sized call costs: a master (AOF everysec) and one
# replica on free loopback ports, N pipelined HSETs of a 300-byte payload per
# call, median microseconds per call without and with WAIT 1 1000.
#   python3 loadtest/wait-cost.py 1     # single-message calls
#   python3 loadtest/wait-cost.py 100   # 100-message calls
import socket, subprocess, time, os, sys, tempfile, statistics
def free():
    s=socket.socket(); s.bind(("127.0.0.1",0)); p=s.getsockname()[1]; s.close(); return p
mp, rp = free(), free()
d = tempfile.mkdtemp()
m = subprocess.Popen(["redis-server","--port",str(mp),"--dir",d,"--dbfilename","m.rdb","--appendonly","yes","--appendfsync","everysec","--appendfilename","m.aof","--save",""],stdout=subprocess.DEVNULL)
r = subprocess.Popen(["redis-server","--port",str(rp),"--dir",d,"--dbfilename","r.rdb","--appendonly","no","--save","","--replicaof","127.0.0.1",str(mp)],stdout=subprocess.DEVNULL)
time.sleep(1.5)
def cmd(*a):
    out = b"*%d\r\n" % len(a)
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out
s = socket.create_connection(("127.0.0.1", mp))
f = s.makefile("rb")
def read():
    line = f.readline()
    if line[:1] == b"$":
        n = int(line[1:]); 
        if n >= 0: f.read(n+2)
    elif line[:1] == b"*":
        for _ in range(int(line[1:])): read()
    return line
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
payload = "x" * 300
def batch(i, wait):
    # one enqueue call: 100 messages written by one script-sized pipeline, then optionally WAIT 1 replica
    req = b"".join(cmd("HSET", f"m:{i}:{k}", "p", payload, "status", "queued") for k in range(N))
    if wait: req += cmd("WAIT", 1, 1000)
    s.sendall(req)
    for _ in range(N + (1 if wait else 0)): line = read()
    return line
res = {}
for wait in (False, True, False, True):
    times = []
    for i in range(300):
        t = time.perf_counter(); last = batch(i + (1000 if wait else 0), wait); times.append(time.perf_counter() - t)
    res.setdefault(wait, []).append(statistics.median(times) * 1e6)
    if wait: assert last.startswith(b":1"), last
print("median µs per %d-message call: without WAIT %.0f, with WAIT 1 %.0f" % (N, statistics.median(res[False]), statistics.median(res[True])))
m.kill(); r.kill()
