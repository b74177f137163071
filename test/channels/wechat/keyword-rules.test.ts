// The keyword rules `herald mock wechat` enforces, as WeChat's template and subscribe message docs
// list them: what each typed keyword takes, and what it refuses with 47003.
import { describe, expect, it } from 'vitest';
import { keywordProblem, keywordType } from '../../../src/mock/wechat/keyword-rules.js';

describe('template keyword rules', () => {
  it.each([
    // each row: keyword, value, accepted?
    ['thing1', '巧克力礼盒 Order for Annie', false], // thing: 20 characters at most; this is 21
    ['thing1', '巧克力礼盒，订单已发货，请注意查收快递，谢谢', false], // 22 Chinese characters
    ['thing2', 'Order for Ann Lee', true],
    ['thing3', '巧克力', true],
    ['thing4', '', false], // empty
    ['amount3', '39.80', true],
    ['amount3', '39.80元', true],
    ['amount3', '¥1288', true],
    ['amount3', 'free', false], // not a number
    ['amount3', '12345678901', false], // 11 digits
    ['amount3', '39,80', false], // a comma is not a decimal point
    ['time4', '15:01', true],
    ['time4', '2019年10月1日 15:01', true],
    ['time4', '2025-06-01 10:30', true],
    ['time4', '2025-06-01 10:30~11:00', true], // a span
    ['time4', 'tomorrow at noon', false],
    ['time4', '25:99', false], // no such time
    ['time4', '2025-06-01', false], // a date without a time
    ['date5', '2019年10月1日', true],
    ['date5', '2025/06/01 09:00', true],
    ['date5', '下周一', false],
    ['number6', '339208499', true],
    ['number6', '3.14', true],
    ['number6', '12a', false],
    ['letter7', 'ABC', true],
    ['letter7', 'AB1', false],
    ['symbol8', '#*', true],
    ['symbol8', '#*!?%&', false], // 6 symbols
    ['character_string9', 'A20250601001', true],
    ['character_string9', '订单A1', false], // Chinese
    ['character_string9', 'x'.repeat(33), false],
    ['phone_number10', '+86-0766-66888866', true],
    ['phone_number10', '+86-0766-668888661234', false], // 21 characters
    ['phone_number10', 'call me', false],
    ['car_number11', '粤A8Z888挂', true],
    ['car_number11', '粤A8Z8889挂', false], // 9 characters
    ['car_number11', 'A中8Z888', false], // Chinese in the middle
    ['name12', '张三', true],
    ['name12', 'Ann Lee', true],
    ['name12', '欧阳张三李四王五赵六钱七', false], // 12 Chinese characters
    ['name12', 'Ann Lee 2', false], // a digit
    ['phrase13', '配送中', true],
    ['phrase13', '货物配送中了', false], // 6 characters
    ['phrase13', 'ok', false],
    ['keyword1', 'a legacy keyword takes any text, long or short, '.repeat(3), true], // no type in the name
    ['first', '', true],
  ])('%s = %j: accepted %s', (name, value, accepted) => {
    const problem = keywordProblem(name, value);
    if (accepted) expect(problem).toBeNull();
    else expect(problem).toEqual(expect.any(String));
  });

  it('reads the type from the keyword name', () => {
    expect([keywordType('thing01'), keywordType('character_string12'), keywordType('phone_number'), keywordType('keyword1'), keywordType('remark')]).toEqual([
      'thing',
      'character_string',
      'phone_number',
      null,
      null,
    ]);
  });
});
