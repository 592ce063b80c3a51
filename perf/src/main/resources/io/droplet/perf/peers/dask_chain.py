"""Dask distributed as a peer of Droplet's end-to-end comparison.

Runs the composition square(increment(x)) as two chained Dask tasks on a LocalCluster of one worker
process with one thread (processes=True, dashboard off, listening on 127.0.0.1), through a Client in
this process. Dask keeps its default configuration, batching intervals included: that is what its users
get.

A line protocol on standard input and output (other output may appear; the reader skips it):

    ready <distributed version>              printed once the cluster takes work
    call <x>                   ->  result <square(increment(x))>
    bench <warmup> <calls>     ->  warm <x> <result>                one line per warm-up call
                                   lat <x> <result> <latency ns>   one line per timed call
                                   done <calls> <elapsed ns>
    quit (or end of input)         closes the client and the cluster, then exits

Timed calls are sequential, one in flight, each timed with time.perf_counter_ns; their lines are
printed after the last one, so printing does not disturb the timing.

    usage: python3 dask_chain.py [worker directory]
"""
import logging
import sys
import time


def increment(x):
    return x + 1


def square(x):
    return x * x


def chain(client, x):
    # pure=False: with repeated arguments Dask would otherwise answer from its cache of results.
    return client.submit(square, client.submit(increment, x, pure=False), pure=False).result()


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def bench(client, warmup, calls):
    warm = [(x, chain(client, x)) for x in range(warmup)]
    results = [0] * calls
    latencies = [0] * calls
    clock = time.perf_counter_ns
    begin = clock()
    for x in range(calls):
        start = clock()
        results[x] = chain(client, x)
        latencies[x] = clock() - start
    elapsed = clock() - begin
    for x, result in warm:
        out(f"warm {x} {result}")
    for x in range(calls):
        out(f"lat {x} {results[x]} {latencies[x]}")
    out(f"done {calls} {elapsed}")


def serve(client):
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        words = line.split()
        if not words:
            continue
        if words[0] == "call" and len(words) == 2:
            out(f"result {chain(client, int(words[1]))}")
        elif words[0] == "bench" and len(words) == 3:
            bench(client, int(words[1]), int(words[2]))
        elif words[0] == "quit":
            return
        else:
            out(f"error unknown command: {line.strip()}")


def main():
    import distributed

    directory = sys.argv[1] if len(sys.argv) > 1 else None
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
        local_directory=directory,
    )
    try:
        with distributed.Client(cluster) as client:
            out(f"ready {distributed.__version__}")
            serve(client)
    finally:
        cluster.close()


# The worker process is spawned and imports this file again: only the parent runs main.
if __name__ == "__main__":
    main()
