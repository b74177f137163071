/**
 * The legacy-encoding choice: GB18030 holds for Chinese GB text however short (the main case:
 * Excel exports in China, GBK without a BOM), and gives way only when chardet is sure of another
 * encoding: Windows-1252 for Western names, EUC-KR or Shift_JIS for longer Korean or Japanese text.
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { chooseLegacyEncoding, gbShape, type GbShape } from '../../src/input/legacy-encoding.js';
import { CONTACTS_CSV } from './contacts.js';

/** Common surnames and given-name characters, rare name characters (GBK outside GB2312), and common words. */
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣然子涵梓轩一诺雨萱思彤';
const RARE = '喆堃玥珺昇赟淼焱垚翀彧';
const WORDS = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经';

/** A seeded pseudo-random generator (the same cases every run). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('gbShape', () => {
  const cases: [string, Buffer, Partial<GbShape>][] = [
    // 张伟 in GBK: two characters of GB2312's range
    ['gbk names', iconv.encode('a,张伟\n', 'gbk'), { common: 2, other: 0, broken: 0, lowLeads: 0 }],
    // 喆 (86 B4) lies outside GB2312 (a GBK extension), still well formed
    ['rare name', iconv.encode('王喆', 'gbk'), { common: 1, other: 1, broken: 0, lowLeads: 1 }],
    // a four-byte GB18030 character
    ['four bytes', iconv.encode('𠀀', 'gb18030'), { common: 0, other: 1, broken: 0, lowLeads: 0 }],
    // Windows-1252 Zoë Müller: ë before a space is broken GB18030, ü before l looks like a GBK character
    ['zoë müller', iconv.encode('Zoë Müller', 'windows-1252'), { common: 0, other: 1, broken: 1, lowLeads: 0 }],
    // a lead byte at the very end
    ['cut', Buffer.from([0x61, 0xd5]), { common: 0, other: 0, broken: 1, lowLeads: 0 }],
    // Korean in EUC-KR: every lead byte in B0–C8
    ['korean', iconv.encode('김철수·', 'euc-kr'), { common: 4, other: 0, broken: 0, hangulLeads: 3, symbolLeads: 1 }],
    // Japanese kana in EUC-JP: lead bytes A4–A5
    ['kana', iconv.encode('テスト', 'euc-jp'), { common: 3, other: 0, broken: 0, kanaLeads: 3 }],
  ];
  it.each(cases)('%s', (_name, bytes, expected) => {
    expect(gbShape(bytes)).toMatchObject(expected);
  });
});

describe('chooseLegacyEncoding', () => {
  it('keeps GB18030 for the GBK contacts fixture and for each of its short pieces', () => {
    expect(chooseLegacyEncoding(readFileSync(new URL('../../fixtures/input/contacts-gbk.csv', import.meta.url)))).toBe('gb18030');
    for (const line of CONTACTS_CSV.split('\n').filter((text) => !/^[ -~]*$/.test(text))) {
      expect(chooseLegacyEncoding(iconv.encode(`${line}\n`, 'gbk')), line).toBe('gb18030');
    }
  });

  it('keeps GB18030 for five GBK names that chardet scores EUC-KR 100 (their bytes are EUC-KR-shaped, their leads are not)', () => {
    const text = 'u0@example.com,雷涛\nu1@example.com,胡诺军\nu2@example.com,贺林\nu3@example.com,魏健俊\nu4@example.com,李龙\n';
    expect(chooseLegacyEncoding(iconv.encode(text, 'gbk'))).toBe('gb18030');
  });

  it('never leaves GB18030 for 300 seeded GBK samples of 1 to 40 rows (names, rare names, words)', () => {
    const random = seeded(20240601);
    const pick = (pool: string): string => pool[Math.floor(random() * pool.length)] as string;
    for (let trial = 0; trial < 300; trial++) {
      const rows = 1 + Math.floor(random() * (trial % 3 === 0 ? 3 : 40));
      let text = '';
      for (let row = 0; row < rows; row++) {
        const given = pick(trial % 4 === 1 ? RARE : GIVEN) + (random() < 0.5 ? pick(GIVEN) : '');
        const note = trial % 4 === 2 ? `,${Array.from({ length: 3 + Math.floor(random() * 10) }, () => pick(WORDS)).join('')}` : '';
        text += `u${row}@example.com,${pick(SURNAMES)}${given}${note}\n`;
      }
      expect(chooseLegacyEncoding(iconv.encode(text, 'gbk')), text).toBe('gb18030');
    }
  });

  const others: [string, string, string][] = [
    // Western names as Excel writes them in Western locales, even one short name
    ['Zoë Müller', 'email,name\nzoe@example.com,Zoë Müller\n', 'windows-1252'],
    ['Müller alone', 'a,Müller\n', 'windows-1252'],
    ['José García (chardet says Windows-1257 at 20)', 'a,José García\n', 'windows-1252'],
    ['several Western names', 'a,François Lefèvre\nb,Jürgen Weiß\nc,Renée Côté\n', 'windows-1252'],
    // Korean and Japanese once there is enough text for chardet to be sure
    ['EUC-KR', Array.from({ length: 10 }, (_, i) => `u${i},${['김철수', '서울특별시', '이영희', '부산광역시'][i % 4]}\n`).join(''), 'euc-kr'],
    ['Shift_JIS', Array.from({ length: 20 }, (_, i) => `u${i},${['山田太郎', '東京都', '佐藤花子', '大阪府'][i % 4]}\n`).join(''), 'shift_jis'],
  ];
  it.each(others)('%s', (_name, text, encoding) => {
    expect(chooseLegacyEncoding(iconv.encode(text, encoding))).toBe(encoding);
  });
});
