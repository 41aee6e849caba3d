import { generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';

export interface ServiceAccount {
  readonly email: string;
  /** The key file's JSON, as the Cloud console hands it out. */
  readonly credentials: Record<string, string>;
  readonly publicKey: KeyObject;
}

/** A service account with a freshly generated RSA key whose `token_uri` is `tokenUri`. */
export function createServiceAccount(project: string, tokenUri: string): ServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const email = `falco-test-${randomBytes(3).toString('hex')}@${project}.iam.gserviceaccount.com`;
  const credentials = {
    type: 'service_account',
    project_id: project,
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: String(randomInt(1e9, 2 ** 47)),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUri,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: 'googleapis.com',
  };
  return { email, credentials, publicKey };
}
