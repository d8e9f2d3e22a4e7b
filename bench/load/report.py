"""Print Locust's CSV stats as a Markdown table: requests, failures, rate, p50/p95/p99."""

import csv
import sys


def main(path: str) -> None:
    with open(path) as stats:
        rows = list(csv.DictReader(stats))
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        name = "**all**" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        print(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1])
