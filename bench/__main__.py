"""`make bench`: run every benchmark under bench/ and print figures with their same-run reference ratios."""

from bench.merkle_bench import main

main()
