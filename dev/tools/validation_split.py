"""A validation dataset from a NAAP-440 CSV: its train rows only, every 10th of them (by
MaxAccuracy) marked as the test rows.

A feature search (`naap select-features`) picks each model's subset by its score on the test
rows, so its best score on the published split is optimistic. Run the search on this file
instead, so the subset is chosen without the published test rows, then score that subset on
the published split with `naap fit --features ...`:

    python3 dev/tools/validation_split.py joined.csv validation.csv

The 400 train rows sorted by (MaxAccuracy, ModelId); positions 5, 15, ..., 395 become the
40 validation rows (IsTest = 1), spread over the accuracy range as the published test rows are.
"""

import csv
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    is_test, acc, mid = header.index("IsTest"), header.index("MaxAccuracy"), header.index("ModelId")
    train = [r for r in body if r[is_test] == "0"]
    order = sorted(train, key=lambda r: (float(r[acc]), int(r[mid])))
    held = {r[mid] for r in order[5::10]}
    out = []
    for r in train:
        r = list(r)
        r[is_test] = "1" if r[mid] in held else "0"
        out.append(r)
    with open(dst, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(out)
    print(f"{len(out)} rows, {sum(r[is_test] == '1' for r in out)} validation rows -> {dst}")


if __name__ == "__main__":
    main()
