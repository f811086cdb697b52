// What flexjob sends through @aws-sdk/client-servicediscovery; loaded by loadSdk (aws/clients.ts) on first use.
export {
  CreatePrivateDnsNamespaceCommand,
  CreateServiceCommand,
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  GetInstanceCommand,
  GetNamespaceCommand,
  GetOperationCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  RegisterInstanceCommand,
  ServiceDiscoveryClient,
  TagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-servicediscovery";
