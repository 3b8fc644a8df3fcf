// Firebase Auth error codes in words.

const MESSAGES = {
  'auth/invalid-credential': 'Wrong email or password.',
  'auth/invalid-login-credentials': 'Wrong email or password.',
  'auth/wrong-password': 'Wrong email or password.',
  'auth/user-not-found': 'Wrong email or password.',
  'auth/invalid-email': 'That is not a valid email address.',
  'auth/missing-password': 'Enter your password.',
  'auth/user-disabled': 'This account has been disabled.',
  'auth/too-many-requests': 'Too many attempts: wait a moment, then try again.',
  'auth/network-request-failed': 'The sign-in service could not be reached.',
  'auth/user-token-expired': 'Your session has expired: sign in again.',
  'auth/invalid-api-key': 'The sign-in service is misconfigured (API key).',
  'auth/api-key-not-valid.-please-pass-a-valid-api-key.': 'The sign-in service is misconfigured (API key).',
};

export function authErrorMessage(error) {
  const code = error && typeof error.code === 'string' ? error.code : '';
  return MESSAGES[code] ?? `Sign-in failed${code ? ` (${code})` : ''}.`;
}
