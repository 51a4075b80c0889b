"""
moto in server mode on a loopback port, for the CloudFormation rehearsal (aws/test/rehearsal.test.ts).

Run with the Python of moto's own virtualenv: `python moto_server.py PORT`.

moto's CloudFormation has no model for AWS::SecretsManager::Secret, although moto implements
Secrets Manager itself. Without one, a secret is skipped, its Ref is empty, and the data stack's
exports of the secret ARNs (which the services stack imports) have no value, so nothing after the
data stack could be rehearsed. The model below maps the template's properties onto moto's own
Secrets Manager backend: the secret really exists afterwards, with a generated password, and its
ARN is what Ref returns, as in AWS. Every other type moto lacks stays skipped (listed in the test).

moto 5.2.5 also hands an RDS instance its parameter group (`DBParameterGroupName: !Ref ...`) as
moto's object rather than its name, and then fails on it; the instance's model below gets the
name, as CloudFormation's Ref of an AWS::RDS::DBParameterGroup returns.
"""

import json
import sys
from typing import Any

from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.rds.models import DBInstance, DBParameterGroup
from moto.secretsmanager.models import secretsmanager_backends


class CloudFormationSecret(CloudFormationModel):
    # moto files every model under the service named by its module path.
    __module__ = "moto.secretsmanager.cloudformation"

    def __init__(self, arn: str, name: str):
        self.arn = arn
        self.name = name

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @staticmethod
    def cloudformation_name_type() -> str:
        return "Name"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SecretsManager::Secret"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.arn
        raise NotImplementedError(attribute_name)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> "CloudFormationSecret":
        properties = cloudformation_json["Properties"]
        backend = secretsmanager_backends[account_id][region_name]
        secret_string = properties.get("SecretString")
        generate = properties.get("GenerateSecretString")
        if generate is not None:
            password = backend.get_random_password(
                password_length=int(generate.get("PasswordLength", 32)),
                exclude_characters=generate.get("ExcludeCharacters", ""),
                exclude_numbers=bool(generate.get("ExcludeNumbers", False)),
                exclude_punctuation=bool(generate.get("ExcludePunctuation", False)),
                exclude_uppercase=bool(generate.get("ExcludeUppercase", False)),
                exclude_lowercase=bool(generate.get("ExcludeLowercase", False)),
                include_space=bool(generate.get("IncludeSpace", False)),
                require_each_included_type=bool(generate.get("RequireEachIncludedType", True)),
            )
            password = json.loads(password)["RandomPassword"]
            template = generate.get("SecretStringTemplate")
            if template is None:
                secret_string = password
            else:
                document = json.loads(template)
                document[generate["GenerateStringKey"]] = password
                secret_string = json.dumps(document)
        secret, _ = backend._add_secret(  # the same call CreateSecret makes
            resource_name,
            secret_string=secret_string,
            description=properties.get("Description"),
            tags=properties.get("Tags"),
            kms_key_id=properties.get("KmsKeyId"),
        )
        return cls(secret.arn, resource_name)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        secretsmanager_backends[account_id][region_name].delete_secret(
            secret_id=resource_name,
            recovery_window_in_days=None,
            force_delete_without_recovery=True,
        )


_create_db_instance = DBInstance.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]


def _create_db_instance_with_group_name(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any, **kwargs: Any) -> Any:
    properties = cloudformation_json.get("Properties", {})
    group = properties.get("DBParameterGroupName")
    if isinstance(group, DBParameterGroup):
        properties["DBParameterGroupName"] = group.name
    return _create_db_instance(cls, resource_name, cloudformation_json, *args, **kwargs)


DBInstance.create_from_cloudformation_json = classmethod(_create_db_instance_with_group_name)  # type: ignore[method-assign]

# moto caches its list of models on first use; this process has not used it yet.
parsing.get_model_list.cache_clear()
parsing.get_model_map.cache_clear()
parsing.get_name_type_map.cache_clear()

if __name__ == "__main__":
    from moto.server import main

    main(["-H", "127.0.0.1", "-p", sys.argv[1]])
