/**
 * The contacts every encoding fixture holds: the same text as UTF-8, GBK, UTF-8 with a BOM, and
 * UTF-16LE TSV (Excel's "Unicode text"). Tests build the bytes here with iconv-lite and check the
 * files in fixtures/input/ are exactly those bytes.
 */
import iconv from 'iconv-lite';

/** The CSV text: a padded header name, Chinese and Latin names, a quoted comma, an empty cell. */
export const CONTACTS_CSV =
  ' email ,姓名,city,note\n' +
  'zhang.wei@example.com,张伟,北京,VIP\n' +
  'wang.fang@example.com,王芳,上海,\n' +
  'ouyang@example.com,欧阳娜娜,"广州, 天河",新客户\n' +
  'jose@example.com,José García,Madrid,"dice ""hola"""\n';

/** What every variant yields. */
export const CONTACTS_COLUMNS = ['email', '姓名', 'city', 'note'];

/** The rows' fields, in order. */
export const CONTACTS_FIELDS = [
  { email: 'zhang.wei@example.com', 姓名: '张伟', city: '北京', note: 'VIP' },
  { email: 'wang.fang@example.com', 姓名: '王芳', city: '上海', note: '' },
  { email: 'ouyang@example.com', 姓名: '欧阳娜娜', city: '广州, 天河', note: '新客户' },
  { email: 'jose@example.com', 姓名: 'José García', city: 'Madrid', note: 'dice "hola"' },
];

/** The same contacts as TSV with CRLF line ends, as Excel writes "Unicode text". */
export const CONTACTS_TSV =
  ' email \t姓名\tcity\tnote\r\n' +
  'zhang.wei@example.com\t张伟\t北京\tVIP\r\n' +
  'wang.fang@example.com\t王芳\t上海\t\r\n' +
  'ouyang@example.com\t欧阳娜娜\t广州, 天河\t新客户\r\n' +
  'jose@example.com\tJosé García\tMadrid\t"dice ""hola"""\r\n';

/** Each fixture file and its bytes. */
export const CONTACTS_VARIANTS: readonly { readonly file: string; readonly bytes: Buffer; readonly encoding: string }[] = [
  { file: 'contacts-utf8.csv', bytes: Buffer.from(CONTACTS_CSV, 'utf8'), encoding: 'utf8' },
  { file: 'contacts-gbk.csv', bytes: iconv.encode(CONTACTS_CSV, 'gbk'), encoding: 'gb18030' },
  { file: 'contacts-utf8-bom.csv', bytes: iconv.encode(CONTACTS_CSV, 'utf8', { addBOM: true }), encoding: 'utf8' },
  { file: 'contacts-utf16le.tsv', bytes: iconv.encode(CONTACTS_TSV, 'utf16le', { addBOM: true }), encoding: 'utf16le' },
];
