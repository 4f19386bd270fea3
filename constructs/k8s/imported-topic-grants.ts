import type { IConstruct } from 'constructs';
import type { IDaprApp } from '../model/dapr-app';
import { didYouMean, quoteList } from '../model/suggest';
import { grantedTopicsOf, renderTopicScopes, TopicDirection, TopicGrant, TopicGrantSet, topicScopesKey } from '../model/topic-grant';

/**
 * The topic grants of a pub/sub declared elsewhere: those this code asks for (with where each was
 * asked for) against those the component has where it is declared, or none known, or unrestricted.
 */
export class ImportedTopicGrants {
  private readonly asked = new TopicGrantSet();
  private readonly askedAt = new Map<string, string>();
  private readonly declared?: TopicGrantSet;

  public constructor(
    declared: TopicGrant[] | undefined,
    private readonly unrestricted: boolean,
  ) {
    this.declared = declared ? new TopicGrantSet(declared) : undefined;
  }

  /** The grants asked for, sorted. */
  public get requested(): TopicGrant[] {
    return this.asked.list();
  }

  /** The grants the component has where it is declared, sorted; undefined if not given. */
  public get granted(): TopicGrant[] | undefined {
    return this.declared?.list();
  }

  /** Records a grant asked for (and, for the first time, which construct asked). */
  public ask(app: IDaprApp, topic: string, direction: TopicDirection): void {
    const grant = { appId: app.appId, topic, direction };
    const path = (app as Partial<IConstruct>).node?.path;
    if (!this.asked.has(grant) && path) this.askedAt.set(`${app.appId}/${direction}/${topic}`, path);
    this.asked.add(grant);
  }

  /** One error per grant asked for that the component does not have (or one if its grants are not known). */
  public errors(what: string): string[] {
    const asked = this.asked.list();
    if (this.unrestricted && this.declared) {
      return [`${what}: both grantedTopics and unrestrictedTopics are given: give grantedTopics if it sets publishingScopes/subscriptionScopes, unrestrictedTopics: true if it sets none.`];
    }
    if (asked.length === 0 || this.unrestricted) return [];
    const declared = this.declared;
    if (!declared) {
      return [
        `${what}: its topic grants are not known here, so the topics asked for (${asked.map((g) => `${g.appId} ${g.direction === TopicDirection.PUBLISH ? 'publishes to' : 'subscribes to'} '${g.topic}'`).join(', ')}) cannot be checked: ` +
          `pass grantedTopics (its publishingScopes/subscriptionScopes where it is declared), or unrestrictedTopics: true if it sets none of publishingScopes, subscriptionScopes, allowedTopics, protectedTopics.`,
      ];
    }
    const all = declared.list();
    return asked
      .filter((g) => !declared.has(g))
      .map((g) => {
        const key = topicScopesKey(g.direction);
        const has = grantedTopicsOf(all, g.appId, g.direction);
        const at = this.askedAt.get(`${g.appId}/${g.direction}/${g.topic}`);
        const wanted = renderTopicScopes([g.appId], [...all, g], g.direction);
        return (
          `${what} does not let app '${g.appId}' ${g.direction} to topic '${g.topic}'${at ? ` (asked for at ${at})` : ''}: ` +
          `its ${key} give '${g.appId}' ${has.length ? `only ${quoteList(has)}` : 'no topic'}${didYouMean(g.topic, has)}, so daprd refuses it and the app silently ${g.direction === TopicDirection.SUBSCRIBE ? 'never receives the events' : 'cannot publish'}: ` +
          `fix the topic, or have the platform change the entry to '${wanted}' in ${key} where the component is declared (and add the grant to grantedTopics here).`
        );
      });
  }
}
