/**
 * A fake AWS CloudFormation endpoint on 127.0.0.1 speaking the awsQuery protocol that @aws-sdk/client-cloudformation
 * (3.1169.0, `AwsQueryProtocol`) uses: `POST /` with an `application/x-www-form-urlencoded` body
 * (`Action=DescribeStacks&Version=2010-05-15&StackName=...`), answered with XML
 * (`<DescribeStacksResponse><DescribeStacksResult><Stacks><member>...`), errors as
 * `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with the HTTP status.
 * Point the client at it with AWS_ENDPOINT_URL_CLOUDFORMATION=fake.url. Only DescribeStacks is served.
 */
import * as http from 'node:http';
import { LoopbackHttpServer } from './loopback-http';

export interface CfnError { readonly status: number; readonly code: string; readonly message?: string }

export interface CfnRequest {
  readonly action: string;
  readonly params: Record<string, string>;
  /** Region from the SigV4 credential scope, if signed. */
  readonly region?: string;
  readonly signed: boolean;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class FakeCloudFormation {
  static async start(): Promise<FakeCloudFormation> {
    const f = new FakeCloudFormation();
    f.http = await LoopbackHttpServer.start((req, body, res) => f.handle(req, body, res));
    return f;
  }

  /** StackStatus by stack ID (ARN) or name. */
  public readonly stacks = new Map<string, string>();
  public readonly requests: CfnRequest[] = [];
  private readonly errors: CfnError[] = [];
  private http!: LoopbackHttpServer;

  private constructor() {}

  get url(): string { return this.http.url; }

  /** The next requests fail with these errors, in order. */
  failNext(...errors: CfnError[]): this {
    this.errors.push(...errors);
    return this;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const params = Object.fromEntries(new URLSearchParams(raw));
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/cloudformation\/aws4_request/.exec(auth);
    this.requests.push({ action: params.Action ?? '', params, region: scope?.[1], signed: scope !== null });
    const requestId = `fake-cfn-${this.requests.length}`;
    const send = (status: number, xml: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    };
    const error = (e: CfnError) => send(e.status, `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">`
      + `<Error><Type>${e.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${xmlEscape(e.code)}</Code>`
      + `<Message>${xmlEscape(e.message ?? e.code)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    const scripted = this.errors.shift();
    if (scripted) return error(scripted);
    if (req.method !== 'POST' || params.Action !== 'DescribeStacks' || params.Version !== '2010-05-15') {
      return error({ status: 400, code: 'InvalidAction', message: `fake: ${req.method} Action=${params.Action} Version=${params.Version}` });
    }
    const name = params.StackName ?? '';
    const status = this.stacks.get(name);
    if (status === undefined) return error({ status: 400, code: 'ValidationError', message: `Stack with id ${name} does not exist` });
    const stackName = /:stack\/([^/]+)\//.exec(name)?.[1] ?? name;
    send(200, `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>`
      + `<StackName>${xmlEscape(stackName)}</StackName><StackId>${xmlEscape(name)}</StackId>`
      + '<CreationTime>2026-11-01T10:00:00.000Z</CreationTime>'
      + `<StackStatus>${xmlEscape(status)}</StackStatus>`
      + `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeStacksResponse>`);
  }
}
