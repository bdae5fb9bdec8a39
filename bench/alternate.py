"""Times commands in alternation, each once per round, so that a drift in a shared machine's
speed (the same binary's run moved between 1.75 and 2.27 ms of CPU within minutes here)
hits all of them alike, where hyperfine runs all of one command's runs before the next's.
Prints each command's median wall time and its ratio to the first command's.

    python3 bench/alternate.py ROUNDS ./hello "plx --version" "plx check file.yaml"

A command is split on spaces: no quoting, which these commands do not need.
"""

import os
import statistics
import sys
import time

WARMUP_ROUNDS = 20


def main() -> None:
    rounds = int(sys.argv[1])
    commands = [command.split() for command in sys.argv[2:]]
    times: list[list[int]] = [[] for _ in commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    silenced = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    for round_ in range(WARMUP_ROUNDS + rounds):
        for command, taken in zip(commands, times):
            start = time.perf_counter_ns()
            pid = os.posix_spawnp(command[0], command, os.environ, file_actions=silenced)
            os.waitpid(pid, 0)
            if round_ >= WARMUP_ROUNDS:
                taken.append(time.perf_counter_ns() - start)
    floor = statistics.median(times[0])
    for command, taken in zip(commands, times):
        median = statistics.median(taken)
        # Paths shortened to their last part: the benchmark's are in a temporary folder.
        label = " ".join(os.path.basename(word) for word in command)
        print(f"| `{label}` | {median / 1e6:.3f} ms | {median / floor:.2f}× |")


if __name__ == "__main__":
    main()
