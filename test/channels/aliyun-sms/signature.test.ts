// Signature version 1.0 against Alibaba Cloud's published examples (PROVIDERS.md §A.5), not only
// a round trip: TV-A1 is the SendSms example of the SMS "HTTP协议及签名" document.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  percentEncode,
  sign,
  signatureMatches,
  signedQuery,
  stringToSign,
} from '../../../src/channels/aliyun-sms/signature.js';

/** TV-A1: the SMS document's own example (secret `testSecret`). */
const TV_A1 = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'XML',
  OutId: '123',
  PhoneNumbers: '15300000001',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云短信测试专用',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_71390007',
  TemplateParam: '{"customer":"test"}',
  Timestamp: '2017-07-12T02:42:19Z',
  Version: '2017-05-25',
};

/** TV-A2: the generic RPC example (ECS DescribeRegions, secret `testsecret`). */
const TV_A2 = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

/** TV-A4: encoding edge cases (space, `*`, `~`, `+`, quote, parentheses, `!`, `/`, non-ASCII). */
const TV_A4 = {
  AccessKeyId: 'testId',
  Action: 'SendSms',
  Format: 'JSON',
  PhoneNumbers: '13800000000',
  RegionId: 'cn-hangzhou',
  SignName: '阿里云',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '00000000-0000-4000-8000-000000000000',
  SignatureVersion: '1.0',
  TemplateCode: 'SMS_0001',
  TemplateParam: '{"name":"A B*C~D+E\'F(G)!/é"}',
  Timestamp: '2025-01-01T00:00:00Z',
  Version: '2017-05-25',
};

describe('Aliyun signature v1.0', () => {
  it('TV-A1: reproduces the canonical query, string to sign and signature of the SMS document', () => {
    expect(canonicalQuery(TV_A1)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    );
    expect(stringToSign('GET', TV_A1)).toBe(
      'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
    );
    expect(sign('GET', TV_A1, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    expect(signedQuery('GET', TV_A1, 'testSecret').endsWith('&Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D')).toBe(true);
  });

  it('TV-A1: the lower-case id/secret pitfall gives the other documented value', () => {
    expect(sign('GET', { ...TV_A1, AccessKeyId: 'testid' }, 'testsecret')).toBe('LxugEBqtL8lacmz/6I2QOoMzw+Y=');
  });

  it('TV-A2: reproduces the generic RPC example', () => {
    expect(stringToSign('GET', TV_A2)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(sign('GET', TV_A2, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('TV-A3: signs POST with the method in the string to sign', () => {
    expect(sign('POST', TV_A1, 'testSecret')).toBe('Xvhv7fPXrPkLVSnlt0jIr08o8NQ=');
  });

  it('TV-A4: encodes the special cases like the documentation and the official SDK', () => {
    expect(canonicalQuery(TV_A4)).toContain(
      'TemplateParam=%7B%22name%22%3A%22A%20B%2AC~D%2BE%27F%28G%29%21%2F%C3%A9%22%7D&',
    );
    expect(sign('GET', TV_A4, 'testSecret')).toBe('Dk9edsk1gMhyhrkppSJh3pqVrAw=');
    expect(sign('POST', TV_A4, 'testSecret')).toBe('CBtXPUssHZ1IgGwDvbINI9OGfNA=');
  });

  it.each([
    // [input, encoded]
    [' ', '%20'], // space is %20, never +
    ['*', '%2A'], // encodeURIComponent leaves * alone; Aliyun encodes it
    ['~', '~'], // unreserved
    ['-_.', '-_.'], // unreserved
    ["!'()", '%21%27%28%29'], // sub-delims encodeURIComponent keeps
    ['é', '%C3%A9'], // UTF-8, upper-case hex
  ])('percentEncode(%j) is %j', (input, encoded) => {
    expect(percentEncode(input)).toBe(encoded);
  });

  it('ignores a Signature parameter when signing, and verification rejects a wrong secret', () => {
    const signature = sign('POST', TV_A1, 'testSecret');
    expect(sign('POST', { ...TV_A1, Signature: signature }, 'testSecret')).toBe(signature);
    expect(signatureMatches('POST', TV_A1, 'testSecret', signature)).toBe(true);
    expect(signatureMatches('POST', TV_A1, 'otherSecret', signature)).toBe(false);
    expect(signatureMatches('GET', TV_A1, 'testSecret', signature)).toBe(false);
  });
});
