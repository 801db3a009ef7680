import { actionFor } from '../sdk/connector';
import { googleOAuth2 } from '../sdk/google';

/** `drive.file`: only files and folders this app created or was given. */
export const googleDriveAuth = googleOAuth2(['https://www.googleapis.com/auth/drive.file']);
export const defineAction = actionFor(googleDriveAuth);
