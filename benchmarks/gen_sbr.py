"""Write an SMS Backup & Restore file of N messages, as the phone app would: for benchmarks.

Chinese collection texts, emoji (literal and as `&#128512;` references), `&#10;` newlines,
numbers from mobile, fixed, short-code, 106 gateway and alphanumeric senders, both directions.
`--surrogates` also writes some emoji as surrogate-pair references (`&#55357;&#56832;`), the
quirk stock XML parsers reject (the stdlib baseline in bench_import.py cannot read those).

    python benchmarks/gen_sbr.py 1000000 -o /tmp/sms-1m.xml
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from xml.sax.saxutils import quoteattr

TEMPLATES = [
    "【某某金融】尊敬的客户，您的借款已逾期{n}天，请于今日18:00前还款，以免影响您的征信。",
    "你好，我是催收专员小王，工号{n}。请尽快处理欠款，否则我们将联系您的紧急联系人。",
    "再不还钱明天就上门拜访，通知你单位和家人！&#10;联系电话：400-800-{n:04d}",
    "Reminder: your payment of ${n}.00 is past due. Reply STOP to opt out. &#128512;",
    "您好，您的账单尾号{n:04d}本期应还2,{n:03d}.00元，如已还款请忽略。😀",
    "最后通知：第{n}次提醒，今天不处理将移交法务部门起诉。&#10;&#10;——贷后管理部",
    "收到，我下周五发工资后还 {n} 元，请不要再打电话给我家人了。",
]
SURROGATE = "&#55357;&#56832;"


def numbers(rng: random.Random, count: int = 800) -> list[str]:
    pool = ["10086", "95588", "1069012345678", "CoopMobile", "+8613800138000", "021-6123-4567"]
    pool += [f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" for _ in range(count)]
    pool += [f"+1202555{rng.randrange(10**4):04d}" for _ in range(count // 8)]
    return pool


def generate(path: Path, n: int, *, seed: int = 7, surrogates: bool = False) -> None:
    rng = random.Random(seed)
    pool = numbers(rng)
    date = 1_700_000_000_000
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write("<!--File Created By SMS Backup & Restore v10.20.002 on 20/11/2026 22:13:00-->\n")
        out.write('<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n')
        out.write(f'<smses count="{n + 3}" backup_set="bench" backup_date="1763647980000" type="full">\n')
        for i in range(n):
            date += rng.randrange(1_000, 600_000)
            kind = 1 if rng.random() < 0.8 else 2
            body = quoteattr(rng.choice(TEMPLATES).format(n=i % 10000)).replace("&amp;#", "&#")
            if surrogates and i % 50 == 0:
                body = body[:-1] + SURROGATE + body[-1]
            out.write(
                f'  <sms protocol="0" address="{rng.choice(pool)}" date="{date}" type="{kind}" subject="null" '
                f'body={body} toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                f'locked="0" date_sent="0" sub_id="1" readable_date="2026年11月20日 下午10:13:00" '
                f'contact_name="(Unknown)" />\n'
            )
        out.write("</smses>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of messages")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--surrogates", action="store_true", help="also write surrogate-pair references")
    args = parser.parse_args()
    generate(args.output, args.n, seed=args.seed, surrogates=args.surrogates)
    print(f"{args.output}: {args.n:,} messages, {args.output.stat().st_size / 1e6:,.1f} MB")


if __name__ == "__main__":
    main()
