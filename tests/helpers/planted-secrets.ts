// A JavaScript module with secrets of every kind Kaizen redacts, planted among ordinary code,
// for tests that prove none of them ever reaches an LLM endpoint.

/** Each planted value exactly as it appears in SETTINGS_JS, in order of appearance. */
export const PLANTED_SECRETS = [
  'sk-proj-Q7x9T2mV4bN8cL1kZ5wR3yH6jD0fG2sA',
  'sk-ant-api03-Hq8Lp2Vz6Ns4Kt0Wm9Rb3Yc7Xe1Ju5Gd-Tf8Aa',
  'ghp_R4nd0mT0k3nV4lu3F0rT35t1ngPurp0s3s12',
  'glpat-Zq3Xw8Yv2Ut6Sr0Pn4Mk',
  'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  'T01ABCDEF/B02GHIJKL/q1W2e3R4t5Y6u7I8o9P0aSdF',
  'AKIAQ3EXAMPLEZ7Y2W4X',
  'Jq9/Xm2+Lr5Tn8Wv1Zc4Bf7Hk0Ps3Gd6Ya9Ue2Ri',
  'sk_live_51HpQrStUvWxYz0123456789Ab',
  'AIzaSyD4-q8Zr1Xw6Vt3Us0Rp7Oo2Nn5Mm9Ll8K',
  'Pg-S3cret-2024',
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJrYWl6ZW4tdGVzdCJ9.c2lnbmF0dXJlLW5vdC1yZWFs',
  'Summer2024!',
  'npm_abcdefghijklmnopqrstuvwxyz0123456789',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
] as const;

const [openai, anthropic, github, gitlab, slackBot, slackHook, awsId, awsSecret, stripe, google, dbPassword, jwt, password, npm, pem1, pem2] =
  PLANTED_SECRETS;

export const SETTINGS_JS = [
  '// Settings of the payment service.',
  `var apiKey = "${openai}";`,
  `export const anthropicKey = '${anthropic}';`,
  `export const githubToken = "${github}";`,
  `export const gitlabToken = "${gitlab}";`,
  `export const slackBot = "${slackBot}";`,
  `export const slackWebhook = "https://hooks.slack.com/services/${slackHook}";`,
  `export const awsAccessKeyId = "${awsId}";`,
  `export const awsSecretAccessKey = "${awsSecret}";`,
  `export const stripeKey = "${stripe}";`,
  `export const mapsKey = "${google}";`,
  `export const databaseUrl = "postgres://payments:${dbPassword}@db.internal:5432/payments";`,
  `export const sessionJwt = "${jwt}";`,
  `export const adminPassword = "${password}";`,
  `export const npmrc = "//registry.npmjs.org/:_authToken=${npm}";`,
  'export const signingKey = `-----BEGIN RSA PRIVATE KEY-----',
  pem1,
  pem2,
  '-----END RSA PRIVATE KEY-----`;',
  '',
  'export function fee(amount) {',
  '  let unused = 0;',
  '  return amount * 0.029 + 0.3 + apiKey.length * 0;',
  '}',
  '',
  'export function isAdmin(input) {',
  `  return input === "${password}";`,
  '}',
  '',
].join('\n');
