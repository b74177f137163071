// The keys bench/report-log.js gives its rows, so that a resume can be planned against its log.
export const DOMAINS = ['gmail.com', 'qq.com', '163.com', 'outlook.com', 'yahoo.com', 'example.cn', 'icloud.com', 'hotmail.com'];
export const keyOfLine = (line) => `user${line}@${DOMAINS[line % DOMAINS.length]}`;
