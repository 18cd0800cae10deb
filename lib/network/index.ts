export * from './bedrock-vpc-endpoints';
