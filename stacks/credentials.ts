import * as pulumi from "@pulumi/pulumi";
import type { CredentialSpec } from "../components/tenant";
import type { CredentialConfig, SecretValue } from "./config";

/**
 * A credential of the config as the SourceCredential component takes it. Its secret parts leave their SecretValue
 * here and nowhere else, straight into `pulumi.secret`: from here on the engine keeps them encrypted and shows them
 * as [secret]. `registries` are the hosts of the OCI sources that name the credential.
 */
export function credentialSpec(
    c: CredentialConfig,
    registries: pulumi.Input<string>[],
): CredentialSpec<pulumi.Input<string>> {
    const secret = (value: SecretValue) => pulumi.secret(value.reveal());
    switch (c.type) {
        case "https":
            return { type: c.type, username: c.username, token: secret(c.token), caCert: c.caCert };
        case "ssh":
            return {
                type: c.type,
                privateKey: secret(c.privateKey),
                knownHosts: c.knownHosts,
                passphrase: c.passphrase && secret(c.passphrase),
            };
        case "githubApp":
            return {
                type: c.type,
                appId: c.appId,
                installationId: c.installationId,
                privateKey: secret(c.privateKey),
                baseUrl: c.baseUrl,
            };
        case "registry":
            return { type: c.type, username: c.username, password: secret(c.password), registries, caCert: c.caCert };
        default: {
            const unknown: never = c;
            throw new Error(`unknown credential type ${JSON.stringify(unknown)}`);
        }
    }
}
